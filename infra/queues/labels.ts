/** Labels a workload names its Kueue LocalQueue and WorkloadPriorityClass with (Kueue's API). */
export const QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
export const PRIORITY_LABEL = "kueue.x-k8s.io/priority-class";
