import Foundation
import FuzzSupport
import GradlabCore

// The run-file reader (the streaming line reader with its hand-written
// event parser), and what replay and export do with a file it accepts
// (index it, tabulate it as CSV). Equality with the JSONDecoder reference
// is checked by RunFileReaderEquivalenceTests, not here: the fuzzer finds
// inputs where the two still differ (see the notes).
fuzz { input in
    guard let file = try? RunFile.parse(Data(input.bytes), path: "fuzz.json") else { return }
    _ = RunCSV.table(RunIndex(file), points: 3)
}
