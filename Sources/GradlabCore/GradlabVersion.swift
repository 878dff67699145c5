/// gradlab's version: the CLI's `--version`, run files' `generator`, and
/// checkpoints' metadata all read it from here.
public enum GradlabVersion {
    public static let current = "0.1.0"
}
