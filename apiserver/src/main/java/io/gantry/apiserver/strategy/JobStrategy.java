package io.gantry.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.ResourceStrategy;
import io.gantry.apiserver.storage.Meta;

/**
 * A Job without a hand-written selector gets one from the server, as in Kubernetes: its pods are labelled with
 * the Job's uid and name, and the selector matches the uid, so two Jobs never claim each other's pods.
 */
public final class JobStrategy implements ResourceStrategy {

    @Override
    public void prepareForCreate(ResourceType type, ObjectNode job) {
        ResourceStrategy.DEFAULT.prepareForCreate(type, job);
        ObjectNode spec = job.with("spec");
        if (spec.path("manualSelector").asBoolean(false)) {
            return;
        }
        String uid = Meta.uid(job);
        String name = Meta.name(job);
        ObjectNode labels = spec.with("template").with("metadata").with("labels");
        labels.put("batch.kubernetes.io/controller-uid", uid);
        labels.put("batch.kubernetes.io/job-name", name);
        labels.put("controller-uid", uid);
        labels.put("job-name", name);
        ObjectNode selector = spec.putObject("selector");
        selector.putObject("matchLabels").put("batch.kubernetes.io/controller-uid", uid);
    }
}
