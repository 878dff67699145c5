/// A command's usage line, wrapped for an 80-column terminal.
///
/// ArgumentParser wraps a command's abstract, discussion and options to the
/// terminal, but prints its generated usage as one line (209 columns for
/// `export`); a command with many options sets its own, made here. Its
/// continuation lines are indented under the first by ArgumentParser
/// (`USAGE: ` and `Usage: ` are 7 columns), so each line holds 73.
enum Usage {
    /// The columns a usage line may hold after `USAGE: `.
    static let width = 80 - "USAGE: ".count

    /// `synopsis` broken at spaces between its items, never inside an item
    /// (`[--svg <dir>]` stays whole), into lines of at most ``width`` columns.
    static func wrapped(_ synopsis: String) -> String {
        var lines: [String] = []
        var line = ""
        for item in items(synopsis) {
            if !line.isEmpty, line.count + 1 + item.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? item : " " + item
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// The items of a synopsis: words, with a bracketed group (`[--epoch <K>]`) as one.
    static func items(_ synopsis: String) -> [String] {
        var items: [String] = []
        var current = ""
        var depth = 0
        for character in synopsis {
            switch character {
            case "[", "<": depth += 1
            case "]", ">": depth = max(depth - 1, 0)
            default: break
            }
            if character == " ", depth == 0 {
                if !current.isEmpty { items.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { items.append(current) }
        return items
    }
}
