package dev.adxcore.platform.examples.gateway.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The peers whose {@code X-Forwarded-*} headers the gateway believes (CVE-2025-41235: never pass on
 * forwarding headers from anyone else). Matches IP literals and CIDR ranges; never resolves names.
 * Immutable and thread-safe.
 */
public final class TrustedProxies {

    private final List<byte[]> networks = new ArrayList<>();
    private final List<Integer> prefixes = new ArrayList<>();

    /**
     * @param entries IP literals or CIDR ranges, already validated by the configuration
     */
    public TrustedProxies(List<String> entries) {
        for (String entry : entries) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = literal(address);
            if (bytes == null) {
                throw new IllegalArgumentException("trustedProxies entry is not an IP literal (was '" + entry + "')");
            }
            networks.add(bytes);
            prefixes.add(slash < 0 ? bytes.length * 8 : Integer.parseInt(entry.substring(slash + 1)));
        }
    }

    /**
     * @param remoteAddress the peer's address as text, such as {@code 127.0.0.1}
     * @return whether the peer is a trusted proxy
     */
    public boolean isTrusted(String remoteAddress) {
        if (networks.isEmpty()) {
            return false;
        }
        byte[] address = literal(remoteAddress);
        if (address == null) {
            return false;
        }
        for (int i = 0; i < networks.size(); i++) {
            if (matches(networks.get(i), prefixes.get(i), address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] network, int prefix, byte[] address) {
        if (network.length != address.length) {
            return false;
        }
        int fullBytes = prefix / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (network[fullBytes] & mask) == (address[fullBytes] & mask);
    }

    private static byte @Nullable [] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IpLiterals.isIpLiteral(t)) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
