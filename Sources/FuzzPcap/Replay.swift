import FuzzTargets

#if !FUZZING
/// Without the fuzzing flags this executable replays files: `FuzzPcap FILE...`.
@main struct Replay {
    static func main() { FileReplay.main(.pcap) }
}
#endif
