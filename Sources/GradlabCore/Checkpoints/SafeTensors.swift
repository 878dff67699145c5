/// The element types gradlab reads and writes in safetensors files.
public enum TensorDType: String, Sendable, CaseIterable, Codable {
    case f32 = "F32"
    case f64 = "F64"

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .f32: 4
        case .f64: 8
        }
    }

    /// The dtype a lab computing in `dtype` saves its numbers as.
    public init(_ dtype: DType) {
        self = dtype == .f32 ? .f32 : .f64
    }
}

/// One named array in a safetensors file: its element type, its shape, and
/// its elements in row-major order (held as Double; F32 values are exact).
public struct Tensor: Sendable, Equatable {
    public var dtype: TensorDType
    /// Dimensions; `[]` is a scalar (one element).
    public var shape: [Int]
    public var values: [Double]

    public init(dtype: TensorDType, shape: [Int], values: [Double]) {
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }

    /// A one-dimensional tensor of `values`.
    public init(_ values: [Double], dtype: TensorDType) {
        self.init(dtype: dtype, shape: [values.count], values: values)
    }
}

/// A safetensors file: named tensors plus string metadata, in exactly the
/// layout the `safetensors` library (Hugging Face, Rust) writes and checks.
///
/// ```
/// 8 bytes    N, the header length, little-endian unsigned
/// N bytes    JSON: {"__metadata__":{"k":"v",...},
///                   "name":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},...}
///            padded with spaces so that 8 + N is a multiple of 8
/// the rest   the tensors' bytes, little-endian, back to back, in header order
/// ```
///
/// As the library does, tensors are laid out by decreasing element size,
/// then by name; so a file gradlab writes is byte-for-byte the file
/// `safetensors.torch.save_file` writes for the same tensors and metadata.
/// Loading in PyTorch: `safetensors.torch.load_file(path)`.
public struct SafeTensorsFile: Sendable, Equatable {
    public var tensors: [String: Tensor]
    /// `__metadata__`: free-form string pairs (gradlab puts `lab`, `epoch`, ...).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The largest header the safetensors library accepts (100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// Reads and validates the file at `path`.
    ///
    /// - Throws: a one-line ``GradlabError`` starting with `path` that names
    ///   the first problem: too short, header length past the end, header not
    ///   JSON or not an object, a tensor entry missing a field, an unknown
    ///   dtype, a shape that does not match its byte span, offsets out of
    ///   range, overlapping or leaving gaps, metadata that is not strings.
    public static func read(path: String) throws(GradlabError) -> SafeTensorsFile {
        try decode(FileBytes.read(path), path: path)
    }

    /// Writes the file atomically: a crash leaves the old file or the new
    /// one, never a torn one.
    public func write(path: String) throws(GradlabError) {
        try FileBytes.writeAtomically(encoded(path: path), to: path)
    }

    /// The bytes of the file.
    ///
    /// - Parameter path: named in errors only.
    /// - Throws: when a tensor's shape does not match its number of values,
    ///   a dimension is negative, or a tensor is called `__metadata__`.
    public func encoded(path: String = "safetensors") throws(GradlabError) -> [UInt8] {
        let order = tensors.keys.sorted { a, b in
            let (sizeA, sizeB) = (tensors[a]?.dtype.byteCount ?? 0, tensors[b]?.dtype.byteCount ?? 0)
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(HeaderJSON.quoted($0)):\(HeaderJSON.quoted(metadata[$0] ?? ""))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in order {
            guard let tensor = tensors[name] else { continue }
            guard name != "__metadata__" else { throw GradlabError("\(path): a tensor cannot be named __metadata__") }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.shape.reduce(1, *) == tensor.values.count else {
                throw GradlabError("\(path): tensor '\(name)' has shape \(tensor.shape) but \(tensor.values.count) values")
            }
            let end = offset + tensor.values.count * tensor.dtype.byteCount
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(HeaderJSON.quoted(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        // Padding keeps the data 8-byte aligned from the file's start, so a
        // reader can map F64 arrays in place.
        let padding = (8 - (8 + headerBytes.count) % 8) % 8
        headerBytes += [UInt8](repeating: 0x20, count: padding)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += headerBytes
        for name in order {
            guard let tensor = tensors[name] else { continue }
            switch tensor.dtype {
            case .f32:
                for value in tensor.values {
                    withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
            case .f64:
                for value in tensor.values {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
            }
        }
        return bytes
    }
}
