# SPDX-License-Identifier: GPL-2.0
# netlat: thin wrapper around kbuild (the module), userspace/ (the tool)
# and tests/ (the qemu guest test runner).
#
#   make                  module for the running kernel + the netlat tool
#   make KVER=<release>   module for another installed kernel (or KDIR=<dir>)
#   make demo             boot a Debian kernel in qemu, load netlat, drive
#                         traffic, print the histograms (installs what it needs)
#   make check            every test: host unit tests, then the guest suite on
#                         both supported kernels
#   make clean            remove every build output

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

all: module userspace

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
	tests/setup.sh
	tests/check.sh

clean:
	rm -rf build
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/modules.order module/Module.symvers \
		.*.cmd modules.order Module.symvers
	$(MAKE) -C userspace clean

.PHONY: all module userspace demo check clean
