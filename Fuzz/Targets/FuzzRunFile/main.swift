import Foundation
import FuzzSupport
import GradlabCore

// The run-file reader, and what replay and export do with a file it
// accepts (index it, tabulate it as CSV).
fuzz { input in
    guard let file = try? RunFile.parse(Data(input.bytes), path: "fuzz.json") else { return }
    _ = RunCSV.table(RunIndex(file), points: 3)
}
