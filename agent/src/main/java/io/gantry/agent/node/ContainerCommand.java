package io.gantry.agent.node;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's command line by Kubernetes' rules: {@code command} replaces the image's ENTRYPOINT and drops
 * its CMD, {@code args} replaces CMD; {@code $(VAR)} in either expands from the container's environment.
 */
final class ContainerCommand {
    private ContainerCommand() {
    }

    static List<String> args(JsonNode container, ContainerEngine.ImageInfo image, List<String> env) {
        Map<String, String> vars = new HashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            vars.put(e.substring(0, eq), e.substring(eq + 1));
        }
        List<String> out = new ArrayList<>();
        boolean hasCommand = container.path("command").isArray() && !container.path("command").isEmpty();
        boolean hasArgs = container.path("args").isArray() && !container.path("args").isEmpty();
        if (hasCommand) {
            container.path("command").forEach(c -> out.add(EnvResolver.expand(c.asText(), vars)));
        } else {
            out.addAll(image.entrypoint());
        }
        if (hasArgs) {
            container.path("args").forEach(a -> out.add(EnvResolver.expand(a.asText(), vars)));
        } else if (!hasCommand) {
            out.addAll(image.cmd());
        }
        if (out.isEmpty()) {
            throw new EnvResolver.ConfigException("no command specified: the image has no ENTRYPOINT or CMD and the "
                    + "container sets no command");
        }
        return out;
    }
}
