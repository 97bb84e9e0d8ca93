package io.gantry.cli;

/** Manifests of the sample web server for tests on real nodes. */
final class SampleApps {
    private SampleApps() {
    }

    /**
     * The Deployment {@code web}: two replicas labelled {@code app=web} of the sample image (never pulled), which
     * stop within a second when deleted.
     *
     * @param containerLines more fields of its container, one YAML line each (e.g. a probe)
     */
    static String web(String... containerLines) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: web
                        image: localhost/gantry-sample:1
                        imagePullPolicy: Never
                """);
        for (String line : containerLines) {
            yaml.append("        ").append(line).append('\n');
        }
        return yaml.toString();
    }
}
