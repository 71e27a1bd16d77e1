import { networkCidr } from "../infra/network/cidr";
import { planSubnets } from "../infra/network/subnets";

describe("subnet layout", () => {
  it("gives each AZ an eighth of a /16 for nodes and a /24 in the last eighth for NAT and load balancers", () => {
    expect(planSubnets("10.30.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"])).toEqual([
      { availabilityZone: "us-east-1a", privateCidr: "10.30.0.0/19", publicCidr: "10.30.224.0/24" },
      { availabilityZone: "us-east-1b", privateCidr: "10.30.32.0/19", publicCidr: "10.30.225.0/24" },
      { availabilityZone: "us-east-1c", privateCidr: "10.30.64.0/19", publicCidr: "10.30.226.0/24" },
    ]);
  });

  it("scales the layout with a smaller VPC", () => {
    expect(planSubnets("172.16.16.0/20", ["eu-west-1a", "eu-west-1b"])).toEqual([
      { availabilityZone: "eu-west-1a", privateCidr: "172.16.16.0/23", publicCidr: "172.16.30.0/28" },
      { availabilityZone: "eu-west-1b", privateCidr: "172.16.18.0/23", publicCidr: "172.16.30.16/28" },
    ]);
  });

  it("rejects a block with host bits set, naming the block it probably meant", () => {
    expect(networkCidr("10.0.1.0/16")).toBe("10.0.0.0/16");
    expect(() => planSubnets("10.0.1.0/16", ["a", "b"])).toThrow("planSubnets: 10.0.1.0/16 has host bits set (did you mean 10.0.0.0/16?)");
  });
});
