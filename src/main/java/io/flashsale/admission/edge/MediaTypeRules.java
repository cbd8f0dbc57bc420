package io.flashsale.admission.edge;

import java.util.Collections;
import java.util.Enumeration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/** The media types {@link RequestLimitsFilter} lets through to Spring MVC. */
final class MediaTypeRules {

    private MediaTypeRules() {}

    /**
     * No endpoint takes a form; refusing forms here also keeps the container from parsing one into
     * request parameters (it fails with a 500 on a body that is not valid in its charset).
     */
    static boolean isAcceptable(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType()
                    && !type.isWildcardSubtype()
                    && !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)
                    && !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    static boolean isParsable(Enumeration<String> accept) {
        if (accept == null || !accept.hasMoreElements()) {
            return true;
        }
        try {
            MediaType.parseMediaTypes(Collections.list(accept));
            return true;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
