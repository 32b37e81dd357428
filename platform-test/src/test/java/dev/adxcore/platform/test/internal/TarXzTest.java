package dev.adxcore.platform.test.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The unpacker of the PostgreSQL bundles treats archives as untrusted input. */
class TarXzTest {
    @TempDir
    Path target;

    @Test
    void unpacksFilesFoldersAndLinksKeepingTheExecuteBit() throws IOException {
        byte[] archive = txz(
                entry("bin/", '5', "", 0755, ""),
                entry("bin/postgres", '0', "#!/bin/sh\n", 0755, ""),
                entry("lib/libpq.so.5.15", '0', "library", 0644, ""),
                entry("lib/libpq.so.5", '2', "", 0777, "libpq.so.5.15"),
                entry("lib/libpq-copy.so", '1', "", 0644, "lib/libpq.so.5.15"));

        TarXz.unpack(new ByteArrayInputStream(archive), target);

        assertThat(Files.isExecutable(target.resolve("bin/postgres"))).isTrue();
        assertThat(target.resolve("lib/libpq.so.5.15")).hasContent("library");
        assertThat(Files.readSymbolicLink(target.resolve("lib/libpq.so.5"))).isEqualTo(Path.of("libpq.so.5.15"));
        assertThat(target.resolve("lib/libpq-copy.so")).hasContent("library");
    }

    @Test
    void anEntryThatClimbsOutOfTheFolderIsRefused() throws IOException {
        byte[] archive = txz(entry("../escaped", '0', "x", 0644, ""));

        assertThatThrownBy(() -> TarXz.unpack(new ByteArrayInputStream(archive), target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refusing the archive entry '../escaped'");
        assertThat(target.resolveSibling("escaped")).doesNotExist();
    }

    @Test
    void aLinkPointingOutOfTheFolderIsRefused() throws IOException {
        byte[] archive = txz(entry("lib/evil", '2', "", 0777, "../../etc/passwd"));

        assertThatThrownBy(() -> TarXz.unpack(new ByteArrayInputStream(archive), target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("its link target '../../etc/passwd' lies outside");
    }

    @Test
    void nothingIsWrittenThroughALink() throws IOException {
        byte[] archive = txz(
                entry("lib/", '5', "", 0755, ""),
                entry("inner", '2', "", 0777, "lib"),
                entry("inner/file", '0', "x", 0644, ""));

        assertThatThrownBy(() -> TarXz.unpack(new ByteArrayInputStream(archive), target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("through the link");
        assertThat(target.resolve("lib/file")).doesNotExist();
    }

    @Test
    void aCorruptHeaderIsRefused() throws IOException {
        byte[] header = entry("bin/postgres", '0', "x", 0755, "");
        header[0] ^= 1;

        assertThatThrownBy(() -> TarXz.unpack(new ByteArrayInputStream(txz(header)), target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    /** One ustar entry (header plus data padded to 512 bytes). */
    private static byte[] entry(String name, char type, String data, int mode, String link) {
        byte[] content = data.getBytes(StandardCharsets.UTF_8);
        int padded = (content.length + 511) / 512 * 512;
        byte[] block = new byte[512 + padded];
        put(block, 0, name);
        put(block, 100, String.format("%07o", mode));
        put(block, 108, "0000000");
        put(block, 116, "0000000");
        put(block, 124, String.format("%011o", content.length));
        put(block, 136, "00000000000");
        block[156] = (byte) type;
        put(block, 157, link);
        put(block, 257, "ustar");
        put(block, 263, "00");
        for (int i = 148; i < 156; i++) {
            block[i] = ' ';
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += block[i] & 0xff;
        }
        put(block, 148, String.format("%06o", sum));
        block[154] = 0;
        System.arraycopy(content, 0, block, 512, content.length);
        return block;
    }

    private static void put(byte[] block, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, block, offset, bytes.length);
    }

    private static byte[] txz(byte[]... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(bytes, new LZMA2Options(1))) {
            for (byte[] entry : entries) {
                xz.write(entry);
            }
            xz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }
}
