package io.gantry.api.schema;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.gantry.api.ResourceType;

import java.util.List;

/** What each known subresource exchanges, as the Kubernetes API server advertises it. */
public final class SubresourceKinds {
    /** Models that are not kinds of the registry but subresources, errors, deletes and lists exchange. */
    static final List<Class<?>> MODEL_CLASSES = List.of(Scale.class, Eviction.class, Binding.class, Status.class,
            DeleteOptions.class, io.fabric8.kubernetes.api.model.ListMeta.class);

    private static final List<String> READ_WRITE = List.of("get", "patch", "update");

    private SubresourceKinds() {
    }

    /** The subresources of a type, in a stable order. */
    public static List<Subresource> of(ResourceType parent) {
        return parent.subresources().stream().sorted().map(name -> resolve(parent, name)).toList();
    }

    public static Subresource resolve(ResourceType parent, String name) {
        return switch (name) {
            case "status" -> same(parent, name, READ_WRITE);
            case "scale" -> new Subresource(name, "autoscaling", "v1", "Scale", READ_WRITE, Scale.class);
            case "binding" -> new Subresource(name, "", "v1", "Binding", List.of("create"), Binding.class);
            case "eviction" -> new Subresource(name, "policy", "v1", "Eviction", List.of("create"), Eviction.class);
            case "finalize" -> same(parent, name, List.of("update"));
            case "log" -> same(parent, name, List.of("get"));
            case "exec", "attach", "portforward", "proxy" -> same(parent, name, List.of("create", "get"));
            default -> same(parent, name, List.of("get"));
        };
    }

    private static Subresource same(ResourceType parent, String name, List<String> verbs) {
        return new Subresource(name, parent.group(), parent.version(), parent.kind(), verbs, parent.modelClass());
    }
}
