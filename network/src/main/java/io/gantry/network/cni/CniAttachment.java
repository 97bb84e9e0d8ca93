package io.gantry.network.cni;

import java.util.Objects;
import java.util.Optional;

/**
 * What this runtime remembers of one attachment between ADD and DEL.
 *
 * @param config         the network configuration list the ADD ran, so DEL undoes exactly what was added even if
 *                       the node's configuration changed since
 * @param args           the runtime arguments of the ADD, so DEL gets the same runtimeConfig (e.g. port mappings)
 *                       without the caller having to remember them
 * @param pluginsStarted how many plugins of the list were executed for ADD, in order; DEL treats a plugin beyond
 *                       that whose binary is missing as having nothing to undo
 * @param result         the final ADD result; empty while ADD runs or after it failed
 */
public record CniAttachment(NetworkConfigList config, CniRuntimeArgs args, int pluginsStarted,
                            Optional<CniResult> result) {

    public CniAttachment {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(result, "result");
        if (pluginsStarted < 0 || pluginsStarted > config.pluginCount()) {
            throw new IllegalArgumentException("pluginsStarted " + pluginsStarted + " is outside 0.."
                    + config.pluginCount());
        }
    }

    CniAttachment withPluginsStarted(int count) {
        return new CniAttachment(config, args, count, result);
    }

    CniAttachment withResult(CniResult addResult) {
        return new CniAttachment(config, args, pluginsStarted, Optional.of(addResult));
    }
}
