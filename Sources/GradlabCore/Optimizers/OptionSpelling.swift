/// How a message names an optimizer's options, as the user wrote them: as
/// command-line flags (`--weight-decay`, `--etas 0.5,1.2`), as options of a
/// `--compare` item (`weight_decay`, `etas=0.5/1.2`: the comma separates
/// items there), or as options of the `:optimizer` prompt command
/// (`weight_decay`, `etas=0.5,1.2`).
public enum OptionSpelling: Sendable {
    case flags, compareItem, prompt

    /// An option's name, given in torch's snake_case (`weight_decay`).
    public func name(_ key: String) -> String {
        self == .flags ? "--" + key.replacingOccurrences(of: "_", with: "-") : key
    }

    /// A two-number option with its value (`first`, `second`: numbers or
    /// the names of what goes there).
    public func pair(_ key: String, _ first: String, _ second: String) -> String {
        switch self {
        case .flags: "\(name(key)) \(first),\(second)"
        case .compareItem: "\(key)=\(first)/\(second)"
        case .prompt: "\(key)=\(first),\(second)"
        }
    }
}
