# SPDX-License-Identifier: GPL-2.0
# netlat: thin wrapper around kbuild (the module), userspace/ (the tool)
# and tests/ (the qemu guest test runner).
#
#   make                  the netlat tool + the module for the running kernel
#                         (the module is skipped, saying why, without headers;
#                         make module fails then)
#   make KVER=<release>   module for another installed kernel (or KDIR=<dir>)
#   make demo             boot a Debian kernel in qemu, load netlat, drive
#                         traffic, print the histograms (installs what it needs)
#   make check            every test, as CI runs it: host unit tests, the guest
#                         suite and the benchmark's smoke run on both supported
#                         kernels, the debug-kernel suite; then phase times
#   make check-stock      host unit tests, lint, guest suite on the Debian kernels
#   make lint             checkpatch --strict; docs/stages.svg up to date
#   make check-debug      build a KASAN/lockdep/kmemleak/UBSAN kernel, run the
#                         memory and locking tests on it
#   make bench            overhead: none vs netlat vs the bpftrace scripts
#   make bench NETLAT_PROFILE=1
#                         where netlat's own instructions go, per handler
#                         and section, from the instrumented build (which
#                         make module NETLAT_PROFILE=1 builds)
#   make clean            remove every build output
#   make install          module into /lib/modules/$(KVER)/updates + depmod,
#                         tool and man page under $(PREFIX); make uninstall
#   make dkms-install     copy what DKMS needs to /usr/src/netlat-$(VERSION)
#                         and dkms add it (then: dkms install netlat/$(VERSION))
#   make sign KEY=<key.pem> CERT=<cert.pem|der>
#                         sign module/netlat.ko with the kernel's sign-file
#   make docs             docs/stages.svg from docs/stages.dot (graphviz)

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
PREFIX ?= /usr/local
DKMS_SRC := $(DESTDIR)/usr/src/netlat-$(VERSION)

# The tool builds anywhere; the module needs the kernel's build tree, and
# is skipped (saying why) when there is none.  'make module' requires it.
all: userspace
	@if test -e $(KDIR)/Makefile; then \
		$(MAKE) module; \
	else \
		echo "netlat: module skipped: no kernel build tree at $(KDIR)"; \
		echo "netlat: install linux-headers-$(KVER), or pass KVER=<release> or KDIR=<dir>; built the tool only (userspace/netlat)"; \
	fi

module:
	@test -e $(KDIR)/Makefile || { \
		echo "no kernel build tree at $(KDIR):"; \
		echo "install linux-headers-$(KVER), or pass KVER=<release> or KDIR=<dir>"; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

demo:
	tests/setup.sh
	tests/demo.sh

check:
	tests/make-check.sh

check-stock:
	tests/setup.sh
	tests/check.sh

check-debug:
	tests/setup.sh
	tests/debug/check.sh

lint:
	tests/setup.sh
	tests/lint.sh

bench:
	tests/setup.sh
	tests/bench/bench.sh $(if $(filter 1,$(NETLAT_PROFILE)),-p)

# DESTDIR stages an install (a package build): then no depmod here.
install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates modules_install
	test -n "$(DESTDIR)" || depmod -a $(KVER)
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/netlat.ko* \
		$(DESTDIR)/lib/modules/$(KVER)/updates/module/netlat.ko*
	test -n "$(DESTDIR)" || depmod -a $(KVER)
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# DKMS builds the module only: the kbuild files, module/ and include/.
# With DESTDIR (a package build) the sources are only staged.
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r dkms.conf Kbuild module include $(DKMS_SRC)/
	cd $(DKMS_SRC)/module && rm -f *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers
	test -n "$(DESTDIR)" || dkms add netlat/$(VERSION)

dkms-uninstall:
	dkms remove netlat/$(VERSION) --all || true
	rm -rf $(DKMS_SRC)

sign: module
	@test -n "$(KEY)" -a -n "$(CERT)" || { echo "usage: make sign KEY=<private key> CERT=<certificate>"; exit 1; }
	$(KDIR)/scripts/sign-file sha256 $(KEY) $(CERT) module/netlat.ko
	@modinfo -F signer module/netlat.ko | sed 's/^/signed by: /'

docs: docs/stages.svg

docs/stages.svg: docs/stages.dot
	dot -Tsvg -o $@ $<

clean:
	rm -rf build
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/modules.order module/Module.symvers \
		.*.cmd modules.order Module.symvers
	rm -f .checkpatch-camelcase.*	# checkpatch's cache, made by make lint
	$(MAKE) -C userspace clean

.PHONY: all module userspace demo check check-stock check-debug lint bench \
	install uninstall dkms-install \
	dkms-uninstall sign docs clean
