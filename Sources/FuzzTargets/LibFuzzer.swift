#if FUZZING
/// libFuzzer's driver, for executables built with `-sanitize=fuzzer` (Scripts/fuzz). SwiftPM links
/// every executable with `--defsym main=<Module>_main`, so each fuzz executable defines that symbol
/// and hands control to `LibFuzzer.run` with its `LLVMFuzzerTestOneInput`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ cb: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

public enum LibFuzzer {
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
        var argc = argc, argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}
#endif

extension FuzzTarget {
    /// One libFuzzer input: a broken invariant traps, so that libFuzzer keeps the input.
    public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        if let failure = run(UnsafeRawBufferPointer(start: data, count: size)) {
            fatalError(failure.description)
        }
        return 0
    }
}
