import GradlabMath

/// A buffer of `count` values of `T` that lives on a device: a handle, not
/// memory. Only the device that made it reads or writes it.
public struct DeviceBuffer<T: ProgramScalar>: Hashable, Sendable {
    /// The device's own number for it.
    public let id: Int
    public let count: Int

    public init(id: Int, count: Int) {
        self.id = id
        self.count = count
    }
}

/// What a lab trains on: memory for parameters, optimizer state and data,
/// and sweeps (``Sweep``) that run Programs over them.
///
/// The labs and the Session reach the CPU SIMD executor and CUDA only
/// through this. A device is used from one thread at a time, the Session's
/// ``ComputeThread`` (a CUDA context stays current on it).
///
/// Adding a device: implement this protocol (allocation, copies, `prepare`
/// and `run` of a ``Sweep``: how its Program, in-place outputs, reductions
/// and copy-outs map to the device's own kernels), give it a ``DeviceKind``
/// case, and make ``DeviceRequest`` resolve to it (docs/architecture.md).
public protocol ComputeDevice: AnyObject {
    var description: DeviceDescription { get }

    /// A new buffer of `count` values, each `value`.
    func allocate<T: ProgramScalar>(_ type: T.Type, count: Int, filled value: T) throws(DeviceError) -> DeviceBuffer<T>

    /// Frees a buffer; using it afterwards is an error.
    func free<T: ProgramScalar>(_ buffer: DeviceBuffer<T>)

    /// Copies `values` into `buffer` from element `offset` on.
    func write<T: ProgramScalar>(_ values: UnsafeBufferPointer<T>, to buffer: DeviceBuffer<T>, at offset: Int) throws(DeviceError)

    /// Copies elements `range` of `buffer` into `target` (room for `range.count`).
    func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, range: Range<Int>, into target: UnsafeMutableBufferPointer<T>) throws(DeviceError)

    /// Readies a sweep to run many times (plans or compiles its Program,
    /// binds its buffers).
    func prepare<T: ProgramScalar>(_ sweep: Sweep<T>) throws(DeviceError) -> any PreparedSweep<T>

    /// Runs a prepared sweep once.
    /// - Parameters:
    ///   - scalars: the sweep's ``SweepInput/scalar(_:)`` values, in Double
    ///     (the device casts them to `T`): one row of ``Sweep/scalarCount``
    ///     values, or, for a sequential sweep, one row per lane run.
    ///   - lanes: a sequential sweep may run some of its lanes, in order
    ///     (nil: all); a parallel sweep runs all.
    ///   - sums: a sequential sweep's running sums to continue from (nil: 0),
    ///     so that lanes run in two parts sum as if run in one.
    func run<T: ProgramScalar>(
        _ sweep: any PreparedSweep<T>, scalars: [Double], lanes: Range<Int>?, sums: [Double]?
    ) throws(DeviceError) -> SweepResult<T>

    /// Runs a prepared parallel sweep once per row of `scalars`, run after
    /// run (an epoch block: each run reads what the one before wrote in
    /// place). The results are the same bits as that many calls of
    /// ``run(_:scalars:lanes:sums:)``; a device may run them chunk by chunk
    /// while the chunk is in cache (the CPU does), or one after another
    /// (the default).
    func runBlock<T: ProgramScalar>(_ sweep: any PreparedSweep<T>, scalars: [[Double]]) throws(DeviceError) -> [SweepResult<T>]
}

/// A sweep a device has readied (``ComputeDevice/prepare(_:)``).
public protocol PreparedSweep<T>: AnyObject {
    associatedtype T: ProgramScalar
    var sweep: Sweep<T> { get }
}

extension ComputeDevice {
    /// One run after another.
    public func runBlock<T: ProgramScalar>(_ sweep: any PreparedSweep<T>, scalars: [[Double]]) throws(DeviceError) -> [SweepResult<T>] {
        var results: [SweepResult<T>] = []
        results.reserveCapacity(scalars.count)
        for row in scalars { results.append(try run(sweep, scalars: row, lanes: nil, sums: nil)) }
        return results
    }

    /// Runs a prepared sweep once over all its lanes.
    public func run<T: ProgramScalar>(_ sweep: any PreparedSweep<T>, scalars: [Double]) throws(DeviceError) -> SweepResult<T> {
        try run(sweep, scalars: scalars, lanes: nil, sums: nil)
    }

    /// Elements `range` of `buffer` as an array.
    public func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, range: Range<Int>) throws(DeviceError) -> [T] {
        var values = [T](repeating: 0, count: range.count)
        try values.withUnsafeMutableBufferPointer { (target) throws(DeviceError) in
            try read(buffer, range: range, into: target)
        }
        return values
    }

    /// One element of `buffer`.
    public func read<T: ProgramScalar>(_ buffer: DeviceBuffer<T>, at index: Int) throws(DeviceError) -> T {
        try read(buffer, range: index..<(index + 1))[0]
    }

    /// Copies `values` into `buffer` from element `offset` on.
    public func write<T: ProgramScalar>(_ values: [T], to buffer: DeviceBuffer<T>, at offset: Int = 0) throws(DeviceError) {
        try values.withUnsafeBufferPointer { (source) throws(DeviceError) in try write(source, to: buffer, at: offset) }
    }
}
