import Foundation
import FuzzSupport
import GradlabCore

// The safetensors reader: a file or a GradlabError; a file it accepts
// encodes and reads back.
fuzz { input in
    guard let file = try? SafeTensorsFile.decode(input.bytes, path: "fuzz.safetensors") else { return }
    guard let encoded = try? file.encoded(), (try? SafeTensorsFile.decode(encoded, path: "again")) != nil else {
        fatalError("a file the reader accepted does not encode and read back")
    }
}
