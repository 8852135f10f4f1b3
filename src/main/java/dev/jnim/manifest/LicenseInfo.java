package dev.jnim.manifest;

import java.util.Optional;

/**
 * A model's licence as the manifest declares it: an SPDX-like {@code name}, the licence file inside
 * the model directory ({@code file}, e.g. {@code LICENSE}) when it has one, and where to read it online.
 */
public record LicenseInfo(String name, Optional<String> file, Optional<String> url) {}
