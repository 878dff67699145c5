import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// Bytes of a safetensors file built by hand: the length prefix, the header
/// text (optionally space-padded to 8), then `data`.
func craftedSafeTensors(header: String, data: [UInt8] = [], pad: Bool = true, length: UInt64? = nil) -> [UInt8] {
    var headerBytes = Array(header.utf8)
    if pad { headerBytes += [UInt8](repeating: 0x20, count: (8 - (8 + headerBytes.count) % 8) % 8) }
    var bytes: [UInt8] = []
    withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + headerBytes + data
}

/// The fixture files the safetensors library wrote (Benchmarks/reference/make_checkpoint_fixtures.py).
func checkpointFixture(_ name: String) -> String {
    Fixtures.directory.appendingPathComponent("checkpoints/\(name)").path
}

@Suite("safetensors format")
struct SafeTensorsTests {
    @Test func roundTripKeepsEveryTensorAndMetadata() throws {
        let file = SafeTensorsFile(
            tensors: [
                "weight": Tensor([0.5], dtype: .f32),
                "matrix": Tensor(dtype: .f64, shape: [2, 3], values: [1, 2, 3, 4, 5, 6.25]),
                "scalar": Tensor(dtype: .f64, shape: [], values: [0.1]),
                "empty": Tensor(dtype: .f32, shape: [0], values: []),
                "ünïcode \"quoted\"\n": Tensor([-1.5, 3], dtype: .f32),
            ],
            metadata: ["lab": "linear", "note": "tab\there \"quote\" back\\slash é \u{01}"]
        )
        let bytes = try file.encoded()
        // The header is padded so the data starts 8-byte aligned.
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect((8 + headerLength) % 8 == 0 && bytes[7 + headerLength] == 0x20)
        #expect(try SafeTensorsFile.decode(bytes, path: "x") == file)
    }

    @Test func float32ValuesAreRoundedOnce() throws {
        let file = SafeTensorsFile(tensors: ["w": Tensor([0.1], dtype: .f32)])
        let back = try SafeTensorsFile.decode(file.encoded(), path: "x")
        #expect(back.tensors["w"]?.values == [Double(Float(0.1))])
    }

    @Test func writesTheSameBytesAsTheSafetensorsLibrary() throws {
        // safetensors.torch.save_file({"weight": [0.699], "bias": [0.3093]}, metadata={"format": "pt"})
        let linear = SafeTensorsFile(
            tensors: ["weight": Tensor([0.6990000009536743], dtype: .f32), "bias": Tensor([0.3093000054359436], dtype: .f32)],
            metadata: ["format": "pt"]
        )
        #expect(try linear.encoded() == Array(Data(contentsOf: URL(fileURLWithPath: checkpointFixture("linear_torch.safetensors")))))
        // F64 tensors before F32 ones, then by name; a scalar and an empty tensor.
        let mixed = SafeTensorsFile(tensors: [
            "b": Tensor([1.5, -2.25], dtype: .f32),
            "a": Tensor(dtype: .f64, shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
            "s": Tensor(dtype: .f64, shape: [], values: [0.1]),
            "e": Tensor(dtype: .f32, shape: [0], values: []),
        ])
        #expect(try mixed.encoded() == Array(Data(contentsOf: URL(fileURLWithPath: checkpointFixture("mixed_dtypes.safetensors")))))
    }

    @Test func readsFilesTheLibraryWrote() throws {
        let linear = try SafeTensorsFile.read(path: checkpointFixture("linear_torch.safetensors"))
        #expect(linear.tensors["weight"] == Tensor([Double(Float(0.699))], dtype: .f32))
        #expect(linear.tensors["bias"] == Tensor([Double(Float(0.3093))], dtype: .f32))
        #expect(linear.metadata == ["format": "pt"])
        let landscape = try SafeTensorsFile.read(path: checkpointFixture("landscape_f64.safetensors"))
        #expect(landscape.tensors["x1"] == Tensor([6.2509546660466695, 7.756856902451935, 0.052653045655747244], dtype: .f64))
        #expect(landscape.tensors["x2"]?.values == [8.972138009695755, 2.2520718999059186, 8.212284183827663])
        #expect(landscape.metadata == ["lab": "landscape", "epoch": "12", "dtype": "f64"])
        let mixed = try SafeTensorsFile.read(path: checkpointFixture("mixed_dtypes.safetensors"))
        #expect(mixed.tensors["a"]?.shape == [2, 3] && mixed.tensors["s"]?.shape == [] && mixed.tensors["e"]?.values == [])
        #expect(mixed.tensors["b"]?.values == [1.5, -2.25])
    }

    static let f32One: [UInt8] = [0x00, 0x00, 0x80, 0x3F]

    @Test(arguments: [
        (Array("tiny!".utf8), "f: not a safetensors file: 5 bytes, shorter than the 8-byte header length"),
        (craftedSafeTensors(header: "{}", length: 1 << 40), "f: header length 1099511627776 exceeds the safetensors limit of 100000000 bytes (not a safetensors file?)"),
        (craftedSafeTensors(header: "{}", length: 1000), "f: header length 1000 runs past the end of the file (16 bytes)"),
        (craftedSafeTensors(header: "{\"a\":"), "f: header is not valid JSON: the JSON ends early at byte 16"),
        (craftedSafeTensors(header: "{\"a\" 1}"), "f: header is not valid JSON: expected ':' after a key at byte 13"),
        (craftedSafeTensors(header: "[1, 2]"), "f: header is an array, not a JSON object"),
        (craftedSafeTensors(header: "{\"\u{FF}\":1}").enumerated().map { $0.offset == 10 ? 0xFF : $0.element }, "f: header is not valid UTF-8"),
        (craftedSafeTensors(header: "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w' has no \"dtype\""),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w' has no \"shape\""),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", data: f32One), "f: tensor 'w' has no \"data_offsets\""),
        (craftedSafeTensors(header: "{\"w\":[1]}"), "f: tensor 'w' is an array, not an object with dtype, shape and data_offsets"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F17\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w' has unknown dtype 'F17'"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w' has dtype F16; gradlab reads only F32 and F64"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w': \"shape\" is not an array of non-negative integers"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w': \"shape\" is not an array of non-negative integers"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", data: f32One), "f: tensor 'w': \"data_offsets\" is not two non-negative integers [begin, end]"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data: f32One), "f: tensor 'w': shape [2] of F32 needs 8 bytes but data_offsets [0, 4] span 4"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", data: f32One), "f: tensor 'w': data_offsets [4, 0] end before they begin"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: f32One), "f: tensor 'w': data_offsets [4, 8] run past the 4 bytes of data"),
        (craftedSafeTensors(header: "{\"v\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: f32One + f32One),
         "f: tensors 'v' [0, 8] and 'w' [4, 8] overlap"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", data: f32One + f32One), "f: data bytes 0..<4 belong to no tensor (a gap before 'w')"),
        (craftedSafeTensors(header: "{\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", data: f32One + f32One + f32One),
         "f: data bytes 4..<8 belong to no tensor (a gap before 'w')"),
        (craftedSafeTensors(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", data: f32One + f32One), "f: data bytes 4..<8 after the last tensor belong to no tensor"),
        (craftedSafeTensors(header: "{\"__metadata__\":{\"epoch\":3}}"), "f: __metadata__ value for 'epoch' is a number, not a string"),
        (craftedSafeTensors(header: "{\"__metadata__\":[\"a\"]}"), "f: __metadata__ is an array, not an object of strings"),
        (craftedSafeTensors(header: "{\"w\":{},\"w\":{}}"), "f: header is not valid JSON: duplicate key \"w\" at byte 16"),
    ])
    func malformedFilesGetOneLineErrorsNamingTheFile(_ bytes: [UInt8], _ message: String) {
        #expect(throws: GradlabError(message)) { try SafeTensorsFile.decode(bytes, path: "f") }
        #expect(!message.contains("\n"))
    }

    @Test func paddingAndUnpaddedHeadersBothRead() throws {
        let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
        for pad in [true, false] {
            let file = try SafeTensorsFile.decode(craftedSafeTensors(header: header, data: Self.f32One, pad: pad), path: "f")
            #expect(file.tensors["w"]?.values == [1])
        }
    }

    @Test func encodingRejectsShapesThatDoNotFit() {
        let file = SafeTensorsFile(tensors: ["w": Tensor(dtype: .f32, shape: [2, 2], values: [1, 2, 3])])
        #expect(throws: GradlabError("out.safetensors: tensor 'w' has shape [2, 2] but 3 values")) { try file.encoded(path: "out.safetensors") }
    }

    @Test func writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("model.safetensors").path
        try SafeTensorsFile(tensors: ["w": Tensor([1], dtype: .f64)]).write(path: path)
        try SafeTensorsFile(tensors: ["w": Tensor([2, 3], dtype: .f64)]).write(path: path)
        #expect(try SafeTensorsFile.read(path: path).tensors["w"]?.values == [2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.safetensors"])
    }

    @Test func fileSystemErrorsNameThePathAndReason() throws {
        let directory = try Fixtures.temporaryDirectory()
        let missing = directory.appendingPathComponent("nope/model.safetensors").path
        #expect(throws: GradlabError("\(missing): cannot open: No such file or directory")) { try SafeTensorsFile.read(path: missing) }
        #expect(throws: GradlabError("\(missing): cannot create a temporary file in \(directory.path)/nope: No such file or directory")) {
            try SafeTensorsFile().write(path: missing)
        }
        #expect(throws: GradlabError("\(directory.path): is a directory, not a file")) { try SafeTensorsFile.read(path: directory.path) }
    }
}
