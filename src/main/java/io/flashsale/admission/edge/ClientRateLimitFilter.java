package io.flashsale.admission.edge;

import io.flashsale.admission.PurchaseAdmission;
import io.flashsale.shared.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The per-address and per-instance limits, before the body is even read. The per-buyer limit
 * needs the buyer, so {@link PurchaseAdmission} applies it once the request is parsed.
 */
class ClientRateLimitFilter extends OncePerRequestFilter {

    private final PurchaseRateLimits limits;

    ClientRateLimitFilter(PurchaseRateLimits limits) {
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !EdgeRefusals.isPurchase(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var refusal = limits.checkClient(request.getRemoteAddr());
        if (refusal.isPresent()) {
            var refused = refusal.get().asException();
            EdgeRefusals.write(request, response, ErrorCode.RATE_LIMITED, refused.getMessage(), refused.headers());
            return;
        }
        chain.doFilter(request, response);
    }
}
