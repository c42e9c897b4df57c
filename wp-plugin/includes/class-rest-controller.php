<?php
/**
 * The plugin's REST routes (dockhand/v1/*): the admin UI talks only to these, and they proxy to the
 * hub, so the browser never sees the hub token or the WooCommerce consumer secret.
 *
 * @package Dockhand
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers and serves dockhand/v1.
 */
class Dockhand_Rest_Controller {

	const NAMESPACE_V1 = 'dockhand/v1';
	const ID_PATTERN   = '(?P<id>[A-Za-z0-9_-]{1,80})';

	/**
	 * Options store.
	 *
	 * @var Dockhand_Options
	 */
	private $options;

	/**
	 * Key-creation flow.
	 *
	 * @var Dockhand_WC_Keys
	 */
	private $keys;

	/**
	 * Constructor.
	 *
	 * @param Dockhand_Options $options Options store.
	 */
	public function __construct( Dockhand_Options $options ) {
		$this->options = $options;
		$this->keys    = new Dockhand_WC_Keys( $options );
	}

	/**
	 * Registers hooks.
	 *
	 * @return void
	 */
	public function hooks() {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers every route with a real permission callback.
	 *
	 * @return void
	 */
	public function register_routes() {
		$admin = array( $this, 'can_manage' );
		$id    = array(
			'id' => array(
				'type'     => 'string',
				'required' => true,
			),
		);
		$routes = array(
			'/state'                          => array( 'GET', 'get_state', array() ),
			'/connect'                        => array(
				'POST',
				'connect',
				array(
					'hub_url'         => array(
						'type'     => 'string',
						'required' => true,
					),
					'hub_token'       => array( 'type' => 'string' ),
					'consumer_key'    => array( 'type' => 'string' ),
					'consumer_secret' => array( 'type' => 'string' ),
					'goods_owner_id'  => array( 'type' => 'string' ),
				),
			),
			'/test'                           => array( 'POST', 'test', array() ),
			'/connection'                     => array( 'GET', 'get_connection', array() ),
			'/sync'                           => array( 'POST', 'sync', array() ),
			'/runs'                           => array( 'GET', 'list_runs', array() ),
			'/runs/' . self::ID_PATTERN       => array( 'GET', 'get_run', $id ),
			'/runs/' . self::ID_PATTERN . '/issues' => array( 'GET', 'get_run_issues', $id ),
			'/attention'                      => array( 'GET', 'attention', array() ),
			'/wc-keys/start'                  => array( 'POST', 'start_keys', array() ),
		);
		foreach ( $routes as $route => $spec ) {
			register_rest_route(
				self::NAMESPACE_V1,
				$route,
				array(
					'methods'             => $spec[0],
					'callback'            => array( $this, $spec[1] ),
					'permission_callback' => $admin,
					'args'                => $spec[2],
				)
			);
		}
		register_rest_route(
			self::NAMESPACE_V1,
			'/connection',
			array(
				'methods'             => 'PATCH',
				'callback'            => array( $this, 'update_connection' ),
				'permission_callback' => $admin,
				'args'                => array(
					'settings' => array( 'type' => 'object' ),
					'status'   => array(
						'type' => 'string',
						'enum' => array( 'active', 'paused' ),
					),
				),
			)
		);
		register_rest_route(
			self::NAMESPACE_V1,
			'/shipping-rules',
			array(
				array(
					'methods'             => 'GET',
					'callback'            => array( $this, 'get_rules' ),
					'permission_callback' => $admin,
				),
				array(
					'methods'             => 'PUT',
					'callback'            => array( $this, 'put_rules' ),
					'permission_callback' => $admin,
					'args'                => array(
						'rules' => array(
							'type'     => 'array',
							'required' => true,
						),
					),
				),
			)
		);
		// Called by WooCommerce's server with the new keys: the one-time state is the credential.
		register_rest_route(
			self::NAMESPACE_V1,
			'/wc-keys/callback',
			array(
				'methods'             => 'POST',
				'callback'            => array( $this->keys, 'receive' ),
				'permission_callback' => array( $this->keys, 'check_callback' ),
			)
		);
	}

	/**
	 * Only users who manage WooCommerce, and only with the REST nonce wp.apiFetch sends (X-WP-Nonce).
	 * Core already rejects a cookie without a valid nonce; checking it here too keeps these routes
	 * for the admin page alone, whatever other authentication plugins are installed.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function can_manage( WP_REST_Request $request ) {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return new WP_Error( 'rest_forbidden', __( 'Only shop managers can use Dockhand.', 'dockhand-for-woocommerce' ), array( 'status' => rest_authorization_required_code() ) );
		}
		$nonce = (string) $request->get_header( 'x_wp_nonce' );
		if ( '' === $nonce || ! wp_verify_nonce( $nonce, 'wp_rest' ) ) {
			return new WP_Error( 'rest_cookie_invalid_nonce', __( 'The page has expired. Reload it and try again.', 'dockhand-for-woocommerce' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * The hub client for the stored URL and token.
	 *
	 * @return Dockhand_Hub_Client|WP_Error
	 */
	private function client() {
		if ( ! $this->options->has_hub() ) {
			return new WP_Error( 'dockhand_not_connected', __( 'Connect to the hub first: paste its URL and a token, then save.', 'dockhand-for-woocommerce' ), array( 'status' => 409 ) );
		}
		return new Dockhand_Hub_Client( $this->options->hub_url(), $this->options->get( Dockhand_Options::HUB_TOKEN ) );
	}

	/**
	 * Client and connection id, or an error when the shop isn't connected yet.
	 *
	 * @return array{0: Dockhand_Hub_Client, 1: string}|WP_Error
	 */
	private function connected() {
		$client = $this->client();
		if ( is_wp_error( $client ) ) {
			return $client;
		}
		$id = $this->options->get( Dockhand_Options::CONNECTION_ID );
		if ( '' === $id ) {
			return new WP_Error( 'dockhand_not_connected', __( 'This shop has no connection on the hub yet: save the connection first.', 'dockhand-for-woocommerce' ), array( 'status' => 409 ) );
		}
		return array( $client, $id );
	}

	/**
	 * This shop's URL as the hub should reach it.
	 *
	 * @return string
	 */
	private static function site_url() {
		return untrailingslashit( home_url() );
	}

	/**
	 * URL comparison key: lower-case scheme and host, no trailing slash.
	 *
	 * @param string $url URL.
	 * @return string
	 */
	private static function url_key( $url ) {
		$parts = wp_parse_url( trim( $url ) );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return strtolower( untrailingslashit( trim( $url ) ) );
		}
		$scheme = isset( $parts['scheme'] ) ? strtolower( $parts['scheme'] ) : 'https';
		$port   = isset( $parts['port'] ) ? ':' . $parts['port'] : '';
		$path   = isset( $parts['path'] ) ? untrailingslashit( $parts['path'] ) : '';
		return $scheme . '://' . strtolower( $parts['host'] ) . $port . $path;
	}

	/**
	 * GET /state: what the page may know (never the token or secret).
	 *
	 * @return WP_REST_Response
	 */
	public function get_state() {
		return rest_ensure_response( $this->state() );
	}

	/**
	 * The public state plus what the page needs to know about this site.
	 *
	 * @return array<string,mixed>
	 */
	private function state() {
		$reason = $this->keys->unavailable_reason();
		return array_merge(
			$this->options->public_state(),
			array(
				'site_url'            => self::site_url(),
				'keys_button'         => null === $reason,
				'keys_button_reason'  => null === $reason ? '' : $reason,
				'wc_rest_keys_url'    => admin_url( 'admin.php?page=wc-settings&tab=advanced&section=keys' ),
			)
		);
	}

	/**
	 * POST /connect: stores the hub URL, token and keys, registers (or updates) this shop's
	 * connection on the hub, and asks the hub to test it.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function connect( WP_REST_Request $request ) {
		$hub_url = esc_url_raw( trim( (string) $request->get_param( 'hub_url' ) ), array( 'http', 'https' ) );
		if ( '' === $hub_url || ! wp_parse_url( $hub_url, PHP_URL_HOST ) ) {
			return new WP_Error( 'dockhand_invalid_hub_url', __( 'The hub URL should look like https://hub.example.com (or http://127.0.0.1:8787 on the same machine).', 'dockhand-for-woocommerce' ), array( 'status' => 400 ) );
		}
		$this->options->set( Dockhand_Options::HUB_URL, untrailingslashit( $hub_url ) );
		$fields = array(
			'hub_token'       => Dockhand_Options::HUB_TOKEN,
			'consumer_key'    => Dockhand_Options::CONSUMER_KEY,
			'consumer_secret' => Dockhand_Options::CONSUMER_SECRET,
			'goods_owner_id'  => Dockhand_Options::GOODS_OWNER_ID,
		);
		$new_credentials = false;
		foreach ( $fields as $param => $option ) {
			$value = trim( sanitize_text_field( (string) $request->get_param( $param ) ) );
			if ( '' !== $value ) {
				$this->options->set( $option, $value );
				$new_credentials = $new_credentials || 'consumer_key' === $param || 'consumer_secret' === $param;
			}
		}
		if ( '' === $this->options->get( Dockhand_Options::HUB_TOKEN ) ) {
			return new WP_Error( 'dockhand_missing_token', __( 'Paste a hub token.', 'dockhand-for-woocommerce' ), array( 'status' => 400 ) );
		}

		$client   = $this->client();
		$existing = $this->find_connection( $client );
		if ( is_wp_error( $existing ) ) {
			return $existing;
		}
		$key         = $this->options->get( Dockhand_Options::CONSUMER_KEY );
		$secret      = $this->options->get( Dockhand_Options::CONSUMER_SECRET );
		$credentials = array(
			'consumer_key'    => $key,
			'consumer_secret' => $secret,
		);
		if ( null === $existing ) {
			if ( '' === $key || '' === $secret ) {
				return new WP_Error( 'dockhand_missing_keys', __( 'Paste the WooCommerce consumer key and secret, or create them with the button.', 'dockhand-for-woocommerce' ), array( 'status' => 400 ) );
			}
			$body = array(
				'platform'    => 'woocommerce',
				'name'        => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ) ? wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ) : (string) wp_parse_url( self::site_url(), PHP_URL_HOST ),
				'base_url'    => self::site_url(),
				'credentials' => $credentials,
			);
			$owner = $this->options->get( Dockhand_Options::GOODS_OWNER_ID );
			if ( '' !== $owner ) {
				$body['goods_owner_id'] = $owner;
			}
			$connection = $client->request( 'POST', '/connections', $body );
		} else {
			$patch = array( 'base_url' => self::site_url() );
			if ( $new_credentials && '' !== $key && '' !== $secret ) {
				$patch['credentials'] = $credentials;
			}
			$connection = $client->request( 'PATCH', '/connections/' . rawurlencode( (string) $existing['id'] ), $patch );
		}
		if ( is_wp_error( $connection ) ) {
			return $connection;
		}
		$this->options->set( Dockhand_Options::CONNECTION_ID, (string) $connection['id'] );
		$this->options->set( Dockhand_Options::GOODS_OWNER_ID, (string) $connection['goods_owner_id'] );

		$test = $client->request( 'POST', '/connections/' . rawurlencode( (string) $connection['id'] ) . '/test', null, array(), 45 );
		return rest_ensure_response(
			array(
				'state'      => $this->state(),
				'connection' => $connection,
				'test'       => is_wp_error( $test ) ? self::error_as_test( $test ) : $test,
			)
		);
	}

	/**
	 * A failed test call shown like a failed test.
	 *
	 * @param WP_Error $error Error.
	 * @return array<string,mixed>
	 */
	private static function error_as_test( WP_Error $error ) {
		return array(
			'ok'      => false,
			'summary' => $error->get_error_message(),
			'checks'  => array(),
		);
	}

	/**
	 * This shop's connection on the hub: the stored id if the hub still has it, else the
	 * WooCommerce connection whose base URL is this site's.
	 *
	 * @param Dockhand_Hub_Client $client Hub client.
	 * @return array<string,mixed>|null|WP_Error
	 */
	private function find_connection( Dockhand_Hub_Client $client ) {
		$id = $this->options->get( Dockhand_Options::CONNECTION_ID );
		if ( '' !== $id ) {
			$found = $client->request( 'GET', '/connections/' . rawurlencode( $id ) );
			if ( ! is_wp_error( $found ) ) {
				return $found;
			}
			$data = $found->get_error_data();
			if ( ! is_array( $data ) || ! isset( $data['hub_status'] ) || 404 !== $data['hub_status'] ) {
				return $found;
			}
			$this->options->delete( Dockhand_Options::CONNECTION_ID );
		}
		$site   = self::url_key( self::site_url() );
		$cursor = '';
		for ( $page = 0; $page < 20; $page++ ) {
			$query = array(
				'platform' => 'woocommerce',
				'limit'    => 500,
			);
			if ( '' !== $cursor ) {
				$query['cursor'] = $cursor;
			}
			$list = $client->request( 'GET', '/connections', null, $query );
			if ( is_wp_error( $list ) ) {
				return $list;
			}
			foreach ( isset( $list['data'] ) && is_array( $list['data'] ) ? $list['data'] : array() as $connection ) {
				if ( is_array( $connection ) && isset( $connection['base_url'] ) && self::url_key( (string) $connection['base_url'] ) === $site ) {
					return $connection;
				}
			}
			if ( empty( $list['next_cursor'] ) ) {
				break;
			}
			$cursor = (string) $list['next_cursor'];
		}
		return null;
	}

	/**
	 * POST /test: the hub's test of the connection, in plain words.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function test() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$test = $c[0]->request( 'POST', '/connections/' . rawurlencode( $c[1] ) . '/test', null, array(), 45 );
		return is_wp_error( $test ) ? $test : rest_ensure_response( $test );
	}

	/**
	 * GET /connection: the hub's view of the connection (settings included; no credentials).
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_connection() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$connection = $c[0]->request( 'GET', '/connections/' . rawurlencode( $c[1] ) );
		return is_wp_error( $connection ) ? $connection : rest_ensure_response( $connection );
	}

	/**
	 * PATCH /connection: settings (validated again by the hub) and/or active/paused.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function update_connection( WP_REST_Request $request ) {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$body     = array();
		$settings = $request->get_param( 'settings' );
		if ( is_array( $settings ) ) {
			$body['settings'] = $settings;
		}
		$status = $request->get_param( 'status' );
		if ( is_string( $status ) ) {
			$body['status'] = $status;
		}
		$connection = $c[0]->request( 'PATCH', '/connections/' . rawurlencode( $c[1] ), (object) $body );
		return is_wp_error( $connection ) ? $connection : rest_ensure_response( $connection );
	}

	/**
	 * POST /sync: queue a run of every enabled process now.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function sync() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$run = $c[0]->request( 'POST', '/connections/' . rawurlencode( $c[1] ) . '/sync', new stdClass() );
		return is_wp_error( $run ) ? $run : rest_ensure_response( $run );
	}

	/**
	 * GET /runs: the latest runs, newest first.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function list_runs() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$runs = $c[0]->request( 'GET', '/connections/' . rawurlencode( $c[1] ) . '/runs', null, array( 'limit' => 25 ) );
		return is_wp_error( $runs ) ? $runs : rest_ensure_response( $runs );
	}

	/**
	 * GET /runs/{id}: one run with progress and issue counts.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_run( WP_REST_Request $request ) {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$run = $c[0]->request( 'GET', '/runs/' . rawurlencode( (string) $request['id'] ) );
		return is_wp_error( $run ) ? $run : rest_ensure_response( $run );
	}

	/**
	 * GET /runs/{id}/issues: the run's per-record errors and warnings (first 200).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_run_issues( WP_REST_Request $request ) {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$issues = $c[0]->request( 'GET', '/runs/' . rawurlencode( (string) $request['id'] ) . '/issues' );
		if ( is_wp_error( $issues ) ) {
			return $issues;
		}
		$data = isset( $issues['data'] ) && is_array( $issues['data'] ) ? $issues['data'] : array();
		return rest_ensure_response(
			array(
				'data'  => array_slice( $data, 0, 200 ),
				'total' => count( $data ),
			)
		);
	}

	/**
	 * GET /attention: this shop's orders that need a person, each linked to its wp-admin edit screen.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function attention() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$orders = $c[0]->request(
			'GET',
			'/orders',
			null,
			array(
				'needs_attention' => 'true',
				'connection_id'   => $c[1],
				'limit'           => 100,
			)
		);
		if ( is_wp_error( $orders ) ) {
			return $orders;
		}
		$out = array();
		foreach ( isset( $orders['data'] ) && is_array( $orders['data'] ) ? $orders['data'] : array() as $order ) {
			if ( ! is_array( $order ) ) {
				continue;
			}
			$out[] = array(
				'id'              => (string) $order['id'],
				'order_number'    => isset( $order['order_number'] ) ? (string) $order['order_number'] : '',
				'external_id'     => isset( $order['external_id'] ) ? (string) $order['external_id'] : '',
				'status'          => isset( $order['status'] ) ? (string) $order['status'] : '',
				'shipping_method' => isset( $order['shipping_method'] ) ? $order['shipping_method'] : null,
				'attention'       => isset( $order['attention'] ) && is_array( $order['attention'] ) ? $order['attention'] : array(),
				'edit_url'        => self::order_edit_url( isset( $order['external_id'] ) ? (int) $order['external_id'] : 0 ),
			);
		}
		return rest_ensure_response( array( 'data' => $out ) );
	}

	/**
	 * The order's edit screen, HPOS or not, through WooCommerce's own helper when it has one.
	 *
	 * @param int $order_id WooCommerce order id.
	 * @return string
	 */
	private static function order_edit_url( $order_id ) {
		if ( $order_id <= 0 ) {
			return '';
		}
		if ( class_exists( \Automattic\WooCommerce\Utilities\OrderUtil::class ) && method_exists( \Automattic\WooCommerce\Utilities\OrderUtil::class, 'get_order_admin_edit_url' ) ) {
			return \Automattic\WooCommerce\Utilities\OrderUtil::get_order_admin_edit_url( $order_id );
		}
		return admin_url( 'post.php?post=' . $order_id . '&action=edit' );
	}

	/**
	 * The goods owner this shop belongs to, for the shipping-rule calls (admin tokens must name one).
	 *
	 * @return string
	 */
	private function goods_owner() {
		return $this->options->get( Dockhand_Options::GOODS_OWNER_ID );
	}

	/**
	 * GET /shipping-rules.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_rules() {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$query = '' !== $this->goods_owner() ? array( 'goods_owner_id' => $this->goods_owner() ) : array();
		$rules = $c[0]->request( 'GET', '/shipping-rules', null, $query );
		return is_wp_error( $rules ) ? $rules : rest_ensure_response( $rules );
	}

	/**
	 * PUT /shipping-rules: replace the ordered rules.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function put_rules( WP_REST_Request $request ) {
		$c = $this->connected();
		if ( is_wp_error( $c ) ) {
			return $c;
		}
		$rules = array();
		foreach ( (array) $request->get_param( 'rules' ) as $rule ) {
			if ( is_array( $rule ) ) {
				$rules[] = array(
					'pattern'         => sanitize_text_field( isset( $rule['pattern'] ) ? (string) $rule['pattern'] : '' ),
					'way_of_delivery' => sanitize_text_field( isset( $rule['way_of_delivery'] ) ? (string) $rule['way_of_delivery'] : '' ),
				);
			}
		}
		$body = array( 'rules' => $rules );
		if ( '' !== $this->goods_owner() ) {
			$body['goods_owner_id'] = $this->goods_owner();
		}
		$saved = $c[0]->request( 'PUT', '/shipping-rules', $body );
		return is_wp_error( $saved ) ? $saved : rest_ensure_response( $saved );
	}

	/**
	 * POST /wc-keys/start: where to send the browser so WooCommerce creates read/write keys.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function start_keys() {
		$reason = $this->keys->unavailable_reason();
		if ( null !== $reason ) {
			return new WP_Error( 'dockhand_keys_unavailable', $reason, array( 'status' => 400 ) );
		}
		return rest_ensure_response( array( 'authorize_url' => $this->keys->authorize_url( get_current_user_id() ) ) );
	}
}
