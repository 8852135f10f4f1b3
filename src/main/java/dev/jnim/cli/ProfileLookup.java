package dev.jnim.cli;

import dev.jnim.manifest.Manifest;
import dev.jnim.manifest.ModelEntry;
import dev.jnim.manifest.Profile;
import java.util.Optional;
import java.util.stream.Collectors;

/** A profile named on the command line: a 64-hex id of any manifest model, or a readable name of the chosen model. */
final class ProfileLookup {

    private ProfileLookup() {}

    static Optional<Profile> find(Manifest manifest, ModelEntry model, String wanted) {
        return model.profiles().stream().filter(p -> p.id().equals(wanted) || p.name().equals(wanted)).findFirst()
                .or(() -> manifest.profileById(wanted));
    }

    static String unknown(String wanted, ModelEntry model) {
        return "profile '" + wanted + "' matches no profile of model " + model.name() + "; valid profiles: "
                + model.profiles().stream().map(Profile::label).collect(Collectors.joining(", "));
    }
}
