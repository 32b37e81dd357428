package dev.adxcore.platform.spring.boot.autoconfigure;

import dev.adxcore.platform.test.PostgresCluster;
import java.util.ArrayList;
import java.util.List;

/** Properties pointing the auto-configuration at the test kit's servers. */
final class Kit {

    private Kit() {}

    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder(url.substring(0, q));
        String sep = "?";
        for (String p : url.substring(q + 1).split("&")) {
            if (!p.startsWith("user=") && !p.startsWith("password=")) {
                kept.append(sep).append(p);
                sep = "&";
            }
        }
        return kept.toString();
    }

    /** platform.database.* for the kit's cluster; the kit's role is a superuser, so the role check only warns. */
    static String[] database(PostgresCluster pg) {
        List<String> p = new ArrayList<>();
        p.add("platform.database.name=app");
        p.add("platform.database.primary-url=" + withoutCredentials(pg.primaryJdbcUrl()));
        for (int i = 0; i < pg.replicaJdbcUrls().size(); i++) {
            p.add("platform.database.replica-urls[" + i + "]="
                    + withoutCredentials(pg.replicaJdbcUrls().get(i)));
        }
        p.add("platform.database.username=" + pg.username());
        p.add("platform.database.password=" + pg.password());
        p.add("platform.database.role-check=warn");
        p.add("platform.database.min-connections=1");
        p.add("platform.database.max-connections=2");
        return p.toArray(String[]::new);
    }
}
