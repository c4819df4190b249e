package dev.parley.loadtest.cli;

import picocli.CommandLine;

/** The harness's version, from its jar's manifest ({@code dev} when run from classes): {@code --version} and every report. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static final String VERSION = versionOf(VersionProvider.class);

    @Override
    public String[] getVersion() {
        return new String[] {"parley-loadtest " + VERSION};
    }

    private static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
