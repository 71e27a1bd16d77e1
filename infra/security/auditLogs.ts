/**
 * The EKS control plane's audit trail (pure): every log type the control plane can send to
 * CloudWatch Logs (EKS user guide, "Send control plane logs to CloudWatch Logs"; AWS::EKS::Cluster
 * LoggingTypeConfig allowed values). The cluster enables all of them; the pack checks it.
 */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
