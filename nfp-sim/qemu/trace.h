#include "trace/trace-hw_net_bpfnic_qemu.h"
