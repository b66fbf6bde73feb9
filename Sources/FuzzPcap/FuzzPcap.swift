import FuzzTargets

/// The libFuzzer entry for the `pcap` target: a failed invariant traps so libFuzzer keeps the input.
func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let failure = FuzzTarget.pcap.run(UnsafeRawBufferPointer(start: data, count: size)) {
        fatalError(failure.description)
    }
    return 0
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { fuzzOne(data, size) }

// SwiftPM links executables with `--defsym main=<Module>_main`; provide it and run libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ cb: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("FuzzPcap_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, llvmFuzzerTestOneInput)
}
#endif
