/// Where `scripts/setup.sh` installs the default model, so every command finds it the same way.
public enum DefaultModel {
    /// File name of the default model (SmolLM2-135M-Instruct, Q4_1).
    public static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"

    /// What to tell a user whose model file is missing or unreadable.
    public static let installHint = "run `bash scripts/setup.sh` to install the default model"

    /// `$AUGSERVE_MODEL_DIR/<fileName>` when that variable is set (as `setup.sh` honours it),
    /// else `$HOME/.cache/augserve/models/<fileName>`. The caller passes the environment, so
    /// nothing below the command line reads it.
    public static func path(environment: [String: String]) -> String {
        if let directory = environment["AUGSERVE_MODEL_DIR"], !directory.isEmpty {
            return directory + "/" + fileName
        }
        return (environment["HOME"] ?? "") + "/.cache/augserve/models/" + fileName
    }

    /// `path` with a leading `~/` replaced by `$HOME/`.
    public static func expandingTilde(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
