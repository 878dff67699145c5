extension SafeTensorsFile {
    /// The dtypes of the safetensors format that gradlab does not read, so
    /// that a half-precision file gets "not supported" rather than "unknown".
    static let otherFormatDTypes: Set = [
        "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "I64", "U64",
        "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64",
    ]

    /// Parses and validates the bytes of a safetensors file, with the checks
    /// of the safetensors library (`SafeTensors::deserialize`) and the same
    /// limits.
    ///
    /// - Parameter path: the file's name for error messages.
    public static func decode(_ bytes: [UInt8], path: String) throws(GradlabError) -> SafeTensorsFile {
        func fail(_ message: String) -> GradlabError { GradlabError("\(path): \(message)") }

        guard bytes.count >= 8 else {
            throw fail("not a safetensors file: \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var length: UInt64 = 0
        for i in (0..<8).reversed() { length = length << 8 | UInt64(bytes[i]) }
        guard length <= UInt64(maximumHeaderLength) else {
            throw fail("header length \(length) exceeds the safetensors limit of \(maximumHeaderLength) bytes (not a safetensors file?)")
        }
        let headerEnd = 8 + Int(length)
        guard headerEnd <= bytes.count else {
            throw fail("header length \(length) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerBytes = Array(bytes[8..<headerEnd])
        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw fail("header is not valid UTF-8")
        }
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(headerBytes)
        } catch {
            throw fail("header is not valid JSON: \(error.message) at byte \(8 + error.offset)")
        }
        guard case .object(let members) = json else {
            throw fail("header is \(json.kindDescription), not a JSON object")
        }

        let dataCount = bytes.count - headerEnd
        var file = SafeTensorsFile()
        var spans: [(name: String, begin: Int, end: Int)] = []
        for (name, entry) in members {
            if name == "__metadata__" {
                file.metadata = try metadata(entry, fail: fail)
                continue
            }
            let (dtype, shape, begin, end) = try tensorInfo(name, entry, dataCount: dataCount, fail: fail)
            spans.append((name, begin, end))
            file.tensors[name] = Tensor(dtype: dtype, shape: shape, values: values(bytes, from: headerEnd + begin, count: (end - begin) / dtype.byteCount, dtype: dtype))
        }
        try checkContiguous(spans, dataCount: dataCount, fail: fail)
        return file
    }

    private static func metadata(_ entry: HeaderJSON, fail: (String) -> GradlabError) throws(GradlabError) -> [String: String] {
        guard case .object(let pairs) = entry else {
            throw fail("__metadata__ is \(entry.kindDescription), not an object of strings")
        }
        var result: [String: String] = [:]
        for (key, value) in pairs {
            guard case .string(let text) = value else {
                throw fail("__metadata__ value for '\(key)' is \(value.kindDescription), not a string")
            }
            result[key] = text
        }
        return result
    }

    /// A tensor entry's fields, checked against each other and the data size.
    private static func tensorInfo(
        _ name: String, _ entry: HeaderJSON, dataCount: Int, fail: (String) -> GradlabError
    ) throws(GradlabError) -> (TensorDType, [Int], Int, Int) {
        guard case .object(let fields) = entry else {
            throw fail("tensor '\(name)' is \(entry.kindDescription), not an object with dtype, shape and data_offsets")
        }
        func field(_ key: String) throws(GradlabError) -> HeaderJSON {
            guard let value = fields.first(where: { $0.key == key })?.value else {
                throw fail("tensor '\(name)' has no \"\(key)\"")
            }
            return value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw fail("tensor '\(name)': \"dtype\" is not a string")
        }
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            if otherFormatDTypes.contains(dtypeName) {
                throw fail("tensor '\(name)' has dtype \(dtypeName); gradlab reads only F32 and F64")
            }
            throw fail("tensor '\(name)' has unknown dtype '\(dtypeName)'")
        }
        guard case .array(let dimensions) = try field("shape"), dimensions.allSatisfy({ $0.nonNegativeInteger != nil }) else {
            throw fail("tensor '\(name)': \"shape\" is not an array of non-negative integers")
        }
        let shape = dimensions.compactMap(\.nonNegativeInteger)
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw fail("tensor '\(name)': \"data_offsets\" is not two non-negative integers [begin, end]")
        }
        guard begin <= end else {
            throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] end before they begin")
        }
        guard end <= dataCount else {
            throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] run past the \(dataCount) bytes of data")
        }
        var byteCount = dtype.byteCount
        for dimension in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("tensor '\(name)': shape \(shape) is too large") }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw fail("tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(byteCount) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        return (dtype, shape, begin, end)
    }

    /// The spans must tile the data exactly: from 0, back to back, to the end.
    private static func checkContiguous(
        _ spans: [(name: String, begin: Int, end: Int)], dataCount: Int, fail: (String) -> GradlabError
    ) throws(GradlabError) {
        let sorted = spans.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var position = 0
        var previous: (name: String, begin: Int, end: Int)?
        for span in sorted {
            if span.begin < position, let previous {
                throw fail("tensors '\(previous.name)' [\(previous.begin), \(previous.end)] and '\(span.name)' [\(span.begin), \(span.end)] overlap")
            }
            if span.begin > position {
                throw fail("data bytes \(position)..<\(span.begin) belong to no tensor (a gap before '\(span.name)')")
            }
            position = span.end
            previous = span
        }
        if position < dataCount {
            throw fail("data bytes \(position)..<\(dataCount) after the last tensor belong to no tensor")
        }
    }

    private static func values(_ bytes: [UInt8], from start: Int, count: Int, dtype: TensorDType) -> [Double] {
        var values = [Double]()
        values.reserveCapacity(count)
        var offset = start
        for _ in 0..<count {
            var bits: UInt64 = 0
            for i in (0..<dtype.byteCount).reversed() { bits = bits << 8 | UInt64(bytes[offset + i]) }
            switch dtype {
            case .f32: values.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))))
            case .f64: values.append(Double(bitPattern: bits))
            }
            offset += dtype.byteCount
        }
        return values
    }
}
