import FuzzTargets

#if FUZZING
/// The libFuzzer entry of the `pcap` target (built by Scripts/fuzz with -DFUZZING).
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { FuzzTarget.pcap.fuzzOne(data, size) }

@_cdecl("FuzzPcap_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    LibFuzzer.run(argc, argv, llvmFuzzerTestOneInput)
}
#endif
