// hashicorp/mdns (Debian's golang-github-hashicorp-mdns-dev) as an mDNS peer, driven from the
// command line (run inside a namespace).
//   hashicorp_peer publish IP HOST NAME TYPE PORT KEY=VALUE SECONDS
//       answers for NAME.TYPE.local and HOST.local (address IP) on IP's interface; prints
//       "published NAME" once its sockets are open; stops on SIGTERM or after SECONDS
//   hashicorp_peer browse IP TYPE SECONDS
//       one query for TYPE on IP's interface; prints "resolved NAME HOST ADDRESS PORT TXT" per
//       complete answer (TXT strings joined by "|")
// Every line starts with seconds since start.
package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/mdns"
)

var start = time.Now()

func say(format string, args ...interface{}) {
	fmt.Printf("%.3f %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
}

func fail(err error) {
	say("error %v", err)
	os.Exit(1)
}

// interfaceOf finds the interface that holds ip.
func interfaceOf(ip net.IP) *net.Interface {
	ifaces, err := net.Interfaces()
	if err != nil {
		fail(err)
	}
	for i := range ifaces {
		addrs, _ := ifaces[i].Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return &ifaces[i]
			}
		}
	}
	fail(fmt.Errorf("no interface has %v", ip))
	return nil
}

func seconds(s string) time.Duration {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fail(err)
	}
	return time.Duration(n * float64(time.Second))
}

func publish(args []string) {
	ip := net.ParseIP(args[0])
	port, err := strconv.Atoi(args[4])
	if err != nil {
		fail(err)
	}
	svc, err := mdns.NewMDNSService(args[2], args[3], "", args[1]+".local.", port, []net.IP{ip}, []string{args[5]})
	if err != nil {
		fail(err)
	}
	server, err := mdns.NewServer(&mdns.Config{Zone: svc, Iface: interfaceOf(ip)})
	if err != nil {
		fail(err)
	}
	say("published %s", args[2])
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-stop:
	case <-time.After(seconds(args[6])):
	}
	server.Shutdown()
	say("closed")
}

func browse(args []string) {
	entries := make(chan *mdns.ServiceEntry, 16)
	params := mdns.DefaultParams(args[1])
	params.Interface = interfaceOf(net.ParseIP(args[0]))
	params.Timeout = seconds(args[2])
	params.Entries = entries
	done := make(chan error)
	go func() { done <- mdns.Query(params); close(entries) }()
	for e := range entries {
		addr := e.AddrV4
		if addr == nil {
			addr = e.AddrV6
		}
		say("resolved %s %s %v %d %s", e.Name, e.Host, addr, e.Port, e.Info)
	}
	if err := <-done; err != nil {
		fail(err)
	}
}

func main() {
	if len(os.Args) >= 8 && os.Args[1] == "publish" {
		publish(os.Args[2:])
	} else if len(os.Args) >= 5 && os.Args[1] == "browse" {
		browse(os.Args[2:])
	} else {
		fmt.Fprintln(os.Stderr, "usage: hashicorp_peer publish IP HOST NAME TYPE PORT KEY=VALUE SECONDS | browse IP TYPE SECONDS")
		os.Exit(64)
	}
}
