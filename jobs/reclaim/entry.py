"""The command line both jobs share: read the JSON config the CronJob mounts, then run once in the cluster."""
import argparse
import json
import time


def main_in_cluster(run, description, argv=None):
    """`<job>.py --config FILE`: run(config, the pod's Kubernetes API, the configured Prometheus, now)."""
    from kube import KubeApi
    from prom import Prometheus

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    run(config, KubeApi.in_cluster(), Prometheus(config["prometheusUrl"]), time.time())
    return 0
