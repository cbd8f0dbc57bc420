package io.flashsale.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The bearer token of the admin endpoints: {@code FLASHSALE_ADMIN_TOKEN}, or one made at start. */
@Component
public class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);

    private final byte[] token;
    private final boolean generated;

    AdminToken(AdminProperties settings) {
        String value = settings.token();
        this.generated = value.isBlank();
        if (generated) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            log.warn("FLASHSALE_ADMIN_TOKEN is not set; admin token for this run: {}", value);
        }
        this.token = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time, so response timing does not leak how much of a guess was right. */
    public boolean matches(String candidate) {
        return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    /** The token for a log line: only one this process made up; a configured secret stays out of logs. */
    public String forLog() {
        return generated ? new String(token, StandardCharsets.UTF_8) : "(the value of FLASHSALE_ADMIN_TOKEN)";
    }
}
