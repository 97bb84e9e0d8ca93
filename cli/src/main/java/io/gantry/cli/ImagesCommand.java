package io.gantry.cli;

import io.gantry.agent.AgentConfig;
import io.gantry.images.Image;
import io.gantry.images.ImageImporter;
import io.gantry.images.ImageService;
import io.gantry.images.oci.ImageReference;
import io.gantry.images.registry.RegistryClient;
import io.gantry.images.registry.RegistryOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** The node's image store, for air-gapped hosts: import archives, list and remove images. */
@Command(name = "images", description = "Manage this node's images: gantry images import FILE.tar | ls | rm REF.",
        subcommands = {ImagesCommand.Import.class, ImagesCommand.Ls.class, ImagesCommand.Rm.class})
final class ImagesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("say what to do: gantry images import FILE.tar | ls | rm REF");
    }

    /** The node data directory: gantry up's when there is one, else a joined agent's. */
    static Path defaultNodeDir() {
        Path up = DataDir.defaultPath().resolve("node");
        return Files.isDirectory(up) ? up : AgentConfig.defaultDataDir();
    }

    abstract static class StoreCommand {
        @Option(names = "--data-dir", description = "The node's data directory (default: gantry up's node, else the "
                + "agent's: ${DEFAULT-VALUE}).")
        Path dataDir = defaultNodeDir();

        ImageService open(RegistryClient registry) throws IOException {
            return new ImageService(dataDir.resolve("images"), registry);
        }
    }

    @Command(name = "import", description = "Import a docker-archive or OCI layout tarball (docker save, skopeo, ctr export).")
    static final class Import extends StoreCommand implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The archive (may be gzip or zstd compressed).")
        Path file;

        @Override
        public Integer call() throws IOException {
            try (RegistryClient registry = new RegistryClient(RegistryOptions.defaults())) {
                List<Image> imported = new ImageImporter(open(registry)).importArchive(file);
                if (imported.isEmpty()) {
                    throw new IllegalArgumentException(file + " holds no named image");
                }
                imported.forEach(i -> System.out.println("imported " + i.reference() + " " + i.imageId()));
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List the images on this node.")
    static final class Ls extends StoreCommand implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            try (RegistryClient registry = new RegistryClient(RegistryOptions.defaults())) {
                System.out.printf("%-60s %-20s %s%n", "IMAGE", "ID", "SIZE");
                for (Image i : open(registry).list()) {
                    System.out.printf("%-60s %-20s %s%n", i.reference(), i.imageId().substring(7, 19),
                            Sizes.human(i.size()));
                }
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove an image; content no other image uses is deleted.")
    static final class Rm extends StoreCommand implements Callable<Integer> {
        @Parameters(paramLabel = "REF", description = "The image reference, e.g. localhost/app:1.")
        String reference;

        @Override
        public Integer call() throws IOException {
            try (RegistryClient registry = new RegistryClient(RegistryOptions.defaults())) {
                if (!open(registry).remove(ImageReference.parse(reference))) {
                    throw new IllegalArgumentException("no image " + reference + " on this node");
                }
                System.out.println("removed " + reference);
            }
            return 0;
        }
    }

    /** Byte counts as docker prints them. */
    static final class Sizes {
        private Sizes() {
        }

        static String human(long bytes) {
            if (bytes < 1000) {
                return bytes + "B";
            }
            String[] units = {"kB", "MB", "GB", "TB"};
            double v = bytes;
            int u = -1;
            while (v >= 1000 && u < units.length - 1) {
                v /= 1000;
                u++;
            }
            return String.format("%.3g%s", v, units[u]);
        }
    }
}
