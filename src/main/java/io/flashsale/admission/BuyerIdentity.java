package io.flashsale.admission;

import io.flashsale.shared.ApiException;
import io.flashsale.shared.ErrorCode;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.modulith.NamedInterface;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Who is buying. With a JWT verification key or JWK set configured, Spring Security's resource
 * server has already verified the bearer token, and the buyer is its subject: a body naming
 * somebody else is refused, and a buyer sees only their own orders. Without that configuration
 * the {@code userId} of the request is trusted as it is, which is for demos only (docs/adr/0014).
 */
@NamedInterface("buyer")
@Component
public class BuyerIdentity {

    private static final Pattern BUYER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    private final boolean tokensRequired;

    BuyerIdentity(ObjectProvider<JwtDecoder> decoders) {
        this.tokensRequired = decoders.getIfAvailable() != null;
    }

    /** The buyer a purchase is for: the token's subject when tokens are on, else the claimed id. */
    public String buyerFor(String claimedUserId) {
        if (!tokensRequired) {
            if (claimedUserId == null) {
                throw new ApiException(ErrorCode.VALIDATION_FAILED, "userId is required");
            }
            return claimedUserId;
        }
        String subject = subject();
        if (claimedUserId != null && !claimedUserId.equals(subject)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "userId must be the subject of the bearer token");
        }
        if (!BUYER_ID.matcher(subject).matches()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "The token's subject cannot be used as a buyer id");
        }
        return subject;
    }

    /** Refuses to show an order to anybody but its buyer, when tokens are on. */
    public void checkOwner(OrderView order) {
        checkOwner(order.userId(), "This order belongs to another buyer");
    }

    /** Refuses anybody but {@code userId} to see or act on what is theirs, when tokens are on. */
    public void checkOwner(String userId, String refusal) {
        if (tokensRequired && !userId.equals(subject())) {
            throw new ApiException(ErrorCode.FORBIDDEN, refusal);
        }
    }

    private static String subject() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Jwt jwt && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        throw new ApiException(ErrorCode.UNAUTHORIZED, "A bearer token is required");
    }
}
