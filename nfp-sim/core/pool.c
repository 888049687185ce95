// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Host thread pool for bn_sim_run_batch with host_threads > 1.  Workers are
 * started on the first batch that needs them and live until the NIC is
 * destroyed, so a front-end that runs many small batches (a QEMU netdev
 * burst) does not pay for thread creation each time.  Worker k runs group
 * k + 1; the calling thread runs group 0 and then waits for the others.
 */
#include <stdlib.h>
#include "nicsim_int.h"

struct bn_pool {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	pthread_t *th;
	u32 n;			/* workers */
	u32 pending;		/* groups still running */
	u64 gen;		/* batch generation */
	bool quit;
	struct bn_batch *b;
	u32 ng;
};

struct worker_arg {
	struct bn_pool *pool;
	u32 k;
};

static void *worker_main(void *arg)
{
	struct worker_arg *wa = arg;
	struct bn_pool *pool = wa->pool;
	u32 k = wa->k;
	u64 seen = 0;

	free(wa);
	pthread_mutex_lock(&pool->mu);
	for (;;) {
		while (pool->gen == seen && !pool->quit)
			pthread_cond_wait(&pool->go, &pool->mu);
		if (pool->quit)
			break;
		seen = pool->gen;
		pthread_mutex_unlock(&pool->mu);
		if (k + 1 < pool->ng)
			bn_run_group(pool->b, k + 1, pool->ng);
		pthread_mutex_lock(&pool->mu);
		if (--pool->pending == 0)
			pthread_cond_signal(&pool->done);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

static bool pool_spawn(struct bn_pool *pool, u32 k)
{
	struct worker_arg *wa = malloc(sizeof(*wa));

	if (!wa)
		return false;
	wa->pool = pool;
	wa->k = k;
	if (pthread_create(&pool->th[k], NULL, worker_main, wa)) {
		free(wa);
		return false;
	}
	return true;
}

static struct bn_pool *pool_create(u32 n)
{
	struct bn_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return NULL;
	pool->th = calloc(n, sizeof(*pool->th));
	if (!pool->th) {
		free(pool);
		return NULL;
	}
	pthread_mutex_init(&pool->mu, NULL);
	pthread_cond_init(&pool->go, NULL);
	pthread_cond_init(&pool->done, NULL);
	while (pool->n < n && pool_spawn(pool, pool->n))
		pool->n++;
	return pool;
}

void bn_pool_destroy(struct bn_pool *pool)
{
	u32 k;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->quit = true;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
	for (k = 0; k < pool->n; k++)
		pthread_join(pool->th[k], NULL);
	pthread_mutex_destroy(&pool->mu);
	pthread_cond_destroy(&pool->go);
	pthread_cond_destroy(&pool->done);
	free(pool->th);
	free(pool);
}

/* Run groups 0..ng-1 of @b; groups without a worker run here, in order. */
void bn_pool_run(struct bn_sim *sim, struct bn_batch *b, u32 ng)
{
	struct bn_pool *pool;
	u32 g;

	if (ng > 1 && !sim->pool)
		sim->pool = pool_create(ng - 1);
	pool = sim->pool;
	if (ng == 1 || !pool || !pool->n) {
		for (g = 0; g < ng; g++)
			bn_run_group(b, g, ng);
		return;
	}
	pthread_mutex_lock(&pool->mu);
	pool->b = b;
	pool->ng = ng;
	pool->pending = pool->n;
	pool->gen++;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
	bn_run_group(b, 0, ng);
	for (g = pool->n + 1; g < ng; g++)	/* workers that failed to start */
		bn_run_group(b, g, ng);
	pthread_mutex_lock(&pool->mu);
	while (pool->pending)
		pthread_cond_wait(&pool->done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
}
