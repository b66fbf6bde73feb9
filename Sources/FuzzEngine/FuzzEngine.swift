import FuzzTargets

#if FUZZING
/// The libFuzzer entry of the `engine` target (built by Scripts/fuzz with -DFUZZING).
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { FuzzTarget.engine.fuzzOne(data, size) }

@_cdecl("FuzzEngine_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, llvmFuzzerTestOneInput)
}
#endif
