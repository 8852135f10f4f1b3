package dev.jnim.manifest;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One file a profile needs.
 *
 * @param uri    where it comes from: {@code hf://org/name:revision?file=path}, {@code ngc://org/team/model:version?file=path},
 *               {@code https://...}, {@code file:///...} or {@code classpath:path} (files shipped inside jnim)
 * @param path   where it goes, relative to the model directory (e.g. {@code model-00001-of-00002.safetensors})
 * @param sha256 expected SHA-256 (64 hex), when the manifest knows it
 * @param size   expected size in bytes, when the manifest knows it
 */
public record ProfileFile(String uri, String path, Optional<String> sha256, OptionalLong size) {}
