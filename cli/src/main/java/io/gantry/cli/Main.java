package io.gantry.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gantry} command: one binary for the whole cluster. */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "A container orchestrator that speaks the Kubernetes API.",
        subcommands = {UpCommand.class, ServerCommand.class, AgentCommand.class, LeaveCommand.class, ImagesCommand.class, KubeconfigCommand.class,
                TokenCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gantry: " + UserErrors.message(e));
            return 1;
        });
        return cli.execute(args);
    }
}
