import Foundation

/// A numeric CSV table with a header row, read for a lab's data or start points.
///
/// Cells are comma separated and trimmed; blank lines are skipped. Every
/// failure is a ``GradlabError`` naming the file, line and column:
/// `data.csv:3:5: 'abc' is not a number (column t)`.
public struct CSVTable: Sendable {
    /// Numeric columns by header name, rows in file order.
    public var columns: [String: [Double]]
    /// Text columns (for example `split`), by header name.
    public var labels: [String: [String]]
    public var rowCount: Int

    /// Loads `path`, requiring the numeric columns `required` and allowing the
    /// text columns `textColumns`; other columns are ignored.
    /// - Parameter labelValues: the values a text column may hold (lowercase,
    ///   `["split": ["train", "test"]]`); another is an error at its cell.
    public static func load(path: String, required: [String], textColumns: [String] = [],
                            labelValues: [String: [String]] = [:]) throws(GradlabError) -> CSVTable {
        guard FileManager.default.fileExists(atPath: path) else { throw GradlabError("\(path): cannot read file (no such file)") }
        let data = Data(try FileBytes.read(path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw GradlabError("\(path): not UTF-8 text")
        }
        return try parse(text, path: path, required: required, textColumns: textColumns, labelValues: labelValues)
    }

    /// Parses CSV text; `path` is only used in error messages.
    public static func parse(_ text: String, path: String, required: [String], textColumns: [String] = [],
                             labelValues: [String: [String]] = [:]) throws(GradlabError) -> CSVTable {
        // "\r\n" is a single Character in Swift, so split on both forms.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        var lineNumber = 0
        var header: [String]?
        var headerLine = 1
        var columns: [String: [Double]] = [:]
        var labels: [String: [String]] = [:]
        var rows = 0
        var numericIndex: [(name: String, index: Int)] = []
        var textIndex: [(name: String, index: Int)] = []

        for rawLine in lines {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if let nul = line.firstIndex(where: { $0.unicodeScalars.contains("\0") }) {
                throw GradlabError.at(path, line: lineNumber, column: line.distance(from: line.startIndex, to: nul) + 1,
                                      "NUL byte in the text (a binary file, or UTF-16?); a CSV file is UTF-8 text")
            }
            let cells = splitCells(line)
            guard let names = header else {
                let names = cells.map { $0.text.lowercased() }
                for (index, name) in names.enumerated() {
                    if let first = names[..<index].firstIndex(of: name) {
                        throw GradlabError.at(path, line: lineNumber, column: cells[index].column,
                                              "duplicate column '\(name)' (also column \(first + 1) of the header); which one is meant?")
                    }
                }
                header = names
                headerLine = lineNumber
                for name in required {
                    guard let index = names.firstIndex(of: name) else {
                        throw GradlabError.at(path, line: lineNumber, "missing column '\(name)' (header has: \(names.joined(separator: ", ")); needs: \(required.joined(separator: ", ")))")
                    }
                    numericIndex.append((name, index))
                    columns[name] = []
                }
                for name in textColumns {
                    if let index = names.firstIndex(of: name) {
                        textIndex.append((name, index))
                        labels[name] = []
                    }
                }
                continue
            }
            guard cells.count == names.count else {
                throw GradlabError.at(path, line: lineNumber, "expected \(names.count) cells as in the header, found \(cells.count)")
            }
            for (name, index) in numericIndex {
                let cell = cells[index]
                let lower = cell.text.lowercased()
                if lower.hasPrefix("0x") || lower.hasPrefix("-0x") || lower.hasPrefix("+0x") {
                    throw GradlabError.at(path, line: lineNumber, column: cell.column,
                                          "'\(cell.text)' is hexadecimal; write numbers in decimal (column \(name))")
                }
                guard let value = Double(cell.text), value.isNaN || value.isInfinite || isDecimal(cell.text) else {
                    let shown = cell.text.isEmpty ? "empty cell" : "'\(cell.text)' is not a number"
                    throw GradlabError.at(path, line: lineNumber, column: cell.column, "\(shown) (column \(name))")
                }
                guard value.isFinite else {
                    throw GradlabError.at(path, line: lineNumber, column: cell.column, "'\(cell.text)' is not a finite number (column \(name))")
                }
                columns[name, default: []].append(value)
            }
            for (name, index) in textIndex {
                let cell = cells[index], label = cell.text.lowercased()
                if let allowed = labelValues[name], !allowed.contains(label) {
                    throw GradlabError.at(path, line: lineNumber, column: cell.column,
                                          "\(name) must be \(allowed.map { "'\($0)'" }.joined(separator: " or ")), got '\(cell.text)'")
                }
                labels[name, default: []].append(label)
            }
            rows += 1
        }
        guard header != nil else {
            throw GradlabError("\(path): empty file (expected a header with columns \(required.joined(separator: ", ")))")
        }
        guard rows > 0 else {
            throw GradlabError.at(path, line: headerLine, "no data rows after the header")
        }
        return CSVTable(columns: columns, labels: labels, rowCount: rows)
    }

    /// Plain decimal notation only (`-1.5`, `2e-3`, `.5`): Swift's `Double`
    /// also reads hexadecimal (`0x10` is 16) and `nan`/`inf`, which a data
    /// file never means.
    static func isDecimal(_ text: String) -> Bool {
        var digits = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            case UInt8(ascii: "+"), UInt8(ascii: "-"): continue
            default: return false
            }
        }
        return digits
    }

    /// Splits one line on commas, trimming each cell and remembering its
    /// 1-based column (in characters) for error messages.
    private static func splitCells(_ line: Substring) -> [(text: String, column: Int)] {
        var cells: [(String, Int)] = []
        var current = ""
        var start = 1
        var column = 1
        for character in line {
            if character == "," {
                cells.append(trimmed(current, start: start))
                current = ""
                start = column + 1
            } else {
                current.append(character)
            }
            column += 1
        }
        cells.append(trimmed(current, start: start))
        return cells
    }

    private static func trimmed(_ text: String, start: Int) -> (String, Int) {
        let value = text.trimmingCharacters(in: .whitespaces)
        // Point at the value itself, or at the cell's start when it is empty.
        let leading = value.isEmpty ? 0 : text.prefix { $0 == " " || $0 == "\t" }.count
        return (value, start + leading)
    }
}
