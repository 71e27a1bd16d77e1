/** Values for the Kubeflow Trainer chart (pure; checked against the pinned values.yaml). */
export function kubeflowTrainerValues() {
  return {
    // JobSet (0.12.0) comes with the chart: the trainer's runtimes are JobSets.
    jobset: { install: true },
    // The platform builds its own runtime per training pool; the upstream ones stay off.
    runtimes: { defaultEnabled: false },
  };
}

