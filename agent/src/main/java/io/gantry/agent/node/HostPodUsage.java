package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.node.eviction.PodStats;
import io.gantry.agent.node.eviction.PodUsage;
import io.gantry.runtime.linux.CgroupFiles;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a pod uses, from its cgroups (memory working set and tasks of {@code /gantry/pod<uid>}) and from the
 * agent's data directory: the writable layers of its containers, its logs and its volumes.
 */
final class HostPodUsage implements PodUsage {
    private final CgroupFiles cgroups;
    private final Path dataDir;
    private final Supplier<Map<String, String>> podOfContainer;

    /** @param podOfContainer the pod uid of each container the node runs, by container id */
    HostPodUsage(CgroupFiles cgroups, Path dataDir, Supplier<Map<String, String>> podOfContainer) {
        this.cgroups = cgroups;
        this.dataDir = dataDir;
        this.podOfContainer = podOfContainer;
    }

    @Override
    public PodStats of(ObjectNode pod) {
        String uid = pod.path("metadata").path("uid").asText();
        String cgroup = "/" + PodCgroups.path(uid);
        DiskUsage writable = DiskUsage.NONE;
        for (Map.Entry<String, String> e : podOfContainer.get().entrySet()) {
            if (e.getValue().equals(uid)) {
                writable = writable.plus(DiskUsage.of(dataDir.resolve("containers").resolve(e.getKey())));
            }
        }
        DiskUsage all = writable.plus(DiskUsage.of(PodLogs.dir(dataDir.resolve("logs"), pod)))
                .plus(DiskUsage.of(dataDir.resolve("pods").resolve(uid).resolve("volumes")));
        return new PodStats(cgroups.memoryWorkingSet(cgroup).orElse(0), all.bytes(), all.inodes(), writable.bytes(),
                writable.inodes(), cgroups.pidsCurrent(cgroup).orElse(0));
    }
}
