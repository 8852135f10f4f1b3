package dev.jnim.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Llama 3.2 Vision was trained with the images of a turn before its text, and NIM renders every user message
 * that way: its image parts move to the front (in their order), the text parts follow (in theirs). The
 * images' order across the conversation does not change, so it still matches the order of the image list.
 */
final class ImagesFirst {

    private ImagesFirst() {
    }

    /** The messages with each user message's image parts first; other messages unchanged. */
    static List<Map<String, Object>> apply(List<Map<String, Object>> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (Map<String, Object> m : messages) {
            if ("user".equals(m.get("role")) && m.get("content") instanceof List<?> parts) {
                List<Object> images = new ArrayList<>();
                List<Object> rest = new ArrayList<>();
                for (Object p : parts) {
                    boolean image = p instanceof Map<?, ?> pm && "image".equals(pm.get("type"));
                    (image ? images : rest).add(p);
                }
                images.addAll(rest);
                Map<String, Object> copy = new HashMap<>(m);
                copy.put("content", images);
                out.add(copy);
            } else {
                out.add(m);
            }
        }
        return out;
    }
}
