# Tests/reliability/racing.mk: the programs of the racing suite (racing.sh):
#   make -f racing.mk    (from Tests/reliability; the top Makefile's tests-racing)
# Built on the host into build/racing/; the guest runs the host's root fs.
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Werror -std=gnu11
B       := ../../build/racing

all: $(B)/churn $(B)/churn-walk

$(B):
	mkdir -p $(B)

$(B)/churn: churn.c | $(B)
	$(CC) $(CFLAGS) -o $@ churn.c -lpthread

$(B)/churn-walk: churn_walk.c ../kernel/pgw_stream.c ../kernel/pgw_stream.h ../../kmod/pgwalk_format.h | $(B)
	$(CC) $(CFLAGS) -o $@ churn_walk.c ../kernel/pgw_stream.c

.PHONY: all
