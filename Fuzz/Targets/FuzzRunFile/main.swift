import Foundation
import FuzzSupport
@_spi(Testing) import GradlabCore

// The run-file reader (the streaming line reader with its hand-written
// event parser), and what replay and export do with a file it accepts
// (index it, tabulate it as CSV). Then the differential check, on any bytes
// (UTF-8 or not): the JSONDecoder reference must accept and refuse the same
// inputs, refuse them at the same line, and read the same version, config,
// status, warning and events (RunFile.readersDisagree).
//
// Differences by design, not counted:
// - the error message's wording: the reader gives the column and why a line
//   is not JSON, the reference only the line;
// - integer fields written with more than 38 digits (`"epoch":1.000…0001`):
//   the reference reads them through Decimal, which keeps 38; an input that
//   holds such a number is not compared.
fuzz { input in
    let data = Data(input.bytes)
    if let file = try? RunFile.parse(data, path: "fuzz.json") {
        _ = RunCSV.table(RunIndex(file), points: 3)
    }
    if let difference = RunFile.readersDisagree(on: data) {
        fatalError("the line reader and the JSONDecoder reference disagree: \(difference)")
    }
}
