import Foundation
import FuzzSupport
import GradlabCore

// The CSV reader (data and start points): a table or a GradlabError.
fuzz { input in
    guard let text = String(validating: input.bytes, as: UTF8.self) else { return }
    _ = try? CSVTable.parse(text, path: "fuzz.csv", required: ["x1", "x2"], textColumns: ["split"])
    _ = try? CSVTable.parse(text, path: "fuzz.csv", required: ["x", "y"])
}
