import Foundation
import FuzzSupport
@_spi(Testing) import GradlabCore

// The run-file reader (the streaming line reader with its hand-written
// event parser), and what replay and export do with a file it accepts
// (index it, tabulate it as CSV). Where the JSONDecoder reference reader
// also accepts the input, both must give the same events (for UTF-8
// input: what JSONDecoder makes of a key that is not UTF-8 is its own).
fuzz { input in
    let data = Data(input.bytes)
    guard let file = try? RunFile.parse(data, path: "fuzz.json") else { return }
    _ = RunCSV.table(RunIndex(file), points: 3)
    if String(validating: input.bytes, as: UTF8.self) != nil,
       let reference = try? RunFile.parseWithJSONDecoder(data, path: "fuzz.json"),
       reference.events.count == file.events.count,
       zip(reference.events, file.events).contains(where: { "\($0)" != "\($1)" }) {
        fatalError("the line reader and JSONDecoder read different events")
    }
}
