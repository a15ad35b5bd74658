package httpcache

// Each calls fn for every cached rendition, in no particular order, under
// the cache's read lock: fn must not call back into the cache. It exists
// for checks such as "nothing private was kept".
func (c *Cache[K]) Each(fn func(key K, r *Rendition)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for k, el := range c.items {
		fn(k, el.Value.(*item[K]).r)
	}
}
