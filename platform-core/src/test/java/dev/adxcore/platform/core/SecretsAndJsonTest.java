package dev.adxcore.platform.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsAndJsonTest {

    @Test
    void masksUserInfoPasswordsAndBarePasswords() {
        assertThat(Secrets.maskUri("redis://app:s3cret@cache:6379/0")).isEqualTo("redis://app:****@cache:6379/0");
        assertThat(Secrets.maskUri("redis://s3cret@cache:6379")).isEqualTo("redis://****@cache:6379");
        assertThat(Secrets.maskUri("rediss://:s3cret@cache:6379")).isEqualTo("rediss://:****@cache:6379");
        assertThat(Secrets.maskUri("kafka://b1:9092,b2:9092")).isEqualTo("kafka://b1:9092,b2:9092");
        assertThat(Secrets.maskUri((String) null)).isEqualTo("null");
    }

    @Test
    void masksSecretQueryParametersInAnyUrlStyle() {
        assertThat(Secrets.maskUri("jdbc:postgresql://db/app?user=a&password=x&sslpassword=y&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/app?user=a&password=****&sslpassword=****&ssl=true");
        assertThat(Secrets.maskUri("kafka://b:9092?sasl.jaas.config=org.Login%20required&security.protocol=SASL_SSL"))
                .isEqualTo("kafka://b:9092?sasl.jaas.config=****&security.protocol=SASL_SSL");
        assertThat(Secrets.maskUri("jdbc:sqlserver://h;user=a;Password=x;db=b"))
                .isEqualTo("jdbc:sqlserver://h;user=a;Password=****;db=b");
        assertThat(Secrets.maskUri("https://h/cb?access_token=abc&api-key=k"))
                .isEqualTo("https://h/cb?access_token=****&api-key=****");
    }

    @Test
    void masksValuesAndRecognisesSecretNames() {
        assertThat(Secrets.mask("x")).isEqualTo("****");
        assertThat(Secrets.mask("")).isEqualTo("<empty>");
        assertThat(Secrets.mask(null)).isEqualTo("<none>");
        assertThat(Secrets.isSecretName("PLATFORM_DATABASE_PASSWORD")).isTrue();
        assertThat(Secrets.isSecretName("jwtSecret")).isTrue();
        assertThat(Secrets.isSecretName("PLATFORM_DATABASE_URL")).isFalse();
    }

    @Test
    void jsonStringsAreAlwaysValidJsonAndUtf8() {
        assertThat(JsonStrings.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(JsonStrings.quote("l1\nl2\r\t\b\f\u0001")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\\u0001\"");
        assertThat(JsonStrings.quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
        assertThat(JsonStrings.quote("ok \uD83D\uDE00")).isEqualTo("\"ok \uD83D\uDE00\"");
        assertThat(JsonStrings.quote("lone \uD83D x \uDE00")).isEqualTo("\"lone \\ud83d x \\ude00\"");
        assertThat(JsonStrings.appendQuoted(new StringBuilder("x="), "é").toString())
                .isEqualTo("x=\"é\"");
    }
}
