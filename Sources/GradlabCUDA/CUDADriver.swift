#if canImport(Glibc)
import Glibc
#endif
import GradlabDevice

typealias CUresult = Int32
typealias CUdevice = Int32
typealias CUdeviceptr = UInt64
typealias CUcontext = OpaquePointer
typealias CUmodule = OpaquePointer
typealias CUfunction = OpaquePointer

/// The driver's functions gradlab calls, looked up once (the `_v2` entry
/// points where the driver has them: the plain names in cuda.h are macros
/// for them).
final class CUDADriverAPI: @unchecked Sendable {
    let path: String
    let cuInit: @convention(c) (UInt32) -> CUresult
    let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>) -> CUresult
    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>) -> CUresult
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<CUdevice>, Int32) -> CUresult
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>, Int32, CUdevice) -> CUresult
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>, Int32, CUdevice) -> CUresult
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>, CUdevice) -> CUresult
    let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<CUcontext?>, CUdevice) -> CUresult
    let cuDevicePrimaryCtxRelease: @convention(c) (CUdevice) -> CUresult
    let cuCtxSetCurrent: @convention(c) (CUcontext?) -> CUresult
    let cuCtxSynchronize: @convention(c) () -> CUresult
    let cuModuleLoadDataEx: @convention(c) (UnsafeMutablePointer<CUmodule?>, UnsafeRawPointer, UInt32,
                                            UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> CUresult
    let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<CUfunction?>, CUmodule, UnsafePointer<CChar>) -> CUresult
    let cuModuleUnload: @convention(c) (CUmodule) -> CUresult
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<CUdeviceptr>, Int) -> CUresult
    let cuMemFree: @convention(c) (CUdeviceptr) -> CUresult
    let cuMemcpyHtoD: @convention(c) (CUdeviceptr, UnsafeRawPointer, Int) -> CUresult
    let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer, CUdeviceptr, Int) -> CUresult
    let cuMemGetInfo: @convention(c) (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> CUresult
    let cuLaunchKernel: @convention(c) (CUfunction, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, OpaquePointer?,
                                        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> CUresult
    let cuGetErrorName: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> CUresult
    let cuGetErrorString: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> CUresult

    init(path: String, handle: UnsafeMutableRawPointer) throws(DeviceError) {
        self.path = path
        func f<F>(_ name: String, _ type: F.Type) throws(DeviceError) -> F { try symbol(handle, name, as: type) }
        cuInit = try f("cuInit", (@convention(c) (UInt32) -> CUresult).self)
        cuDriverGetVersion = try f("cuDriverGetVersion", (@convention(c) (UnsafeMutablePointer<Int32>) -> CUresult).self)
        cuDeviceGetCount = try f("cuDeviceGetCount", (@convention(c) (UnsafeMutablePointer<Int32>) -> CUresult).self)
        cuDeviceGet = try f("cuDeviceGet", (@convention(c) (UnsafeMutablePointer<CUdevice>, Int32) -> CUresult).self)
        cuDeviceGetName = try f("cuDeviceGetName", (@convention(c) (UnsafeMutablePointer<CChar>, Int32, CUdevice) -> CUresult).self)
        cuDeviceGetAttribute = try f("cuDeviceGetAttribute", (@convention(c) (UnsafeMutablePointer<Int32>, Int32, CUdevice) -> CUresult).self)
        cuDeviceTotalMem = try f("cuDeviceTotalMem_v2", (@convention(c) (UnsafeMutablePointer<Int>, CUdevice) -> CUresult).self)
        cuDevicePrimaryCtxRetain = try f("cuDevicePrimaryCtxRetain", (@convention(c) (UnsafeMutablePointer<CUcontext?>, CUdevice) -> CUresult).self)
        cuDevicePrimaryCtxRelease = try f("cuDevicePrimaryCtxRelease_v2", (@convention(c) (CUdevice) -> CUresult).self)
        cuCtxSetCurrent = try f("cuCtxSetCurrent", (@convention(c) (CUcontext?) -> CUresult).self)
        cuCtxSynchronize = try f("cuCtxSynchronize", (@convention(c) () -> CUresult).self)
        cuModuleLoadDataEx = try f("cuModuleLoadDataEx", (@convention(c) (UnsafeMutablePointer<CUmodule?>, UnsafeRawPointer, UInt32,
                                                                       UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> CUresult).self)
        cuModuleGetFunction = try f("cuModuleGetFunction", (@convention(c) (UnsafeMutablePointer<CUfunction?>, CUmodule, UnsafePointer<CChar>) -> CUresult).self)
        cuModuleUnload = try f("cuModuleUnload", (@convention(c) (CUmodule) -> CUresult).self)
        cuMemAlloc = try f("cuMemAlloc_v2", (@convention(c) (UnsafeMutablePointer<CUdeviceptr>, Int) -> CUresult).self)
        cuMemFree = try f("cuMemFree_v2", (@convention(c) (CUdeviceptr) -> CUresult).self)
        cuMemcpyHtoD = try f("cuMemcpyHtoD_v2", (@convention(c) (CUdeviceptr, UnsafeRawPointer, Int) -> CUresult).self)
        cuMemcpyDtoH = try f("cuMemcpyDtoH_v2", (@convention(c) (UnsafeMutableRawPointer, CUdeviceptr, Int) -> CUresult).self)
        cuMemGetInfo = try f("cuMemGetInfo_v2", (@convention(c) (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> CUresult).self)
        cuLaunchKernel = try f("cuLaunchKernel", (@convention(c) (CUfunction, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, OpaquePointer?,
                                                                 UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> CUresult).self)
        cuGetErrorName = try f("cuGetErrorName", (@convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> CUresult).self)
        cuGetErrorString = try f("cuGetErrorString", (@convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> CUresult).self)
    }

    /// Throws a non-zero status as the driver's own name and text for it.
    func check(_ status: CUresult, _ call: String) throws(DeviceError) {
        guard status != 0 else { return }
        var name: UnsafePointer<CChar>?, text: UnsafePointer<CChar>?
        _ = cuGetErrorName(status, &name)
        _ = cuGetErrorString(status, &text)
        let label = name.map { String(cString: $0) } ?? "CUresult \(status)"
        let detail = text.map { String(cString: $0) } ?? "unknown error"
        throw DeviceError("cuda: \(call) failed: \(label) (\(detail))")
    }
}

/// Device attributes gradlab reads (CUdevice_attribute values).
enum CUDAAttribute {
    static let multiprocessorCount: Int32 = 16
    static let computeCapabilityMajor: Int32 = 75
    static let computeCapabilityMinor: Int32 = 76
}
